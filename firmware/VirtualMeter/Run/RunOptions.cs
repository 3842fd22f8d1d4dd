using System;

namespace AssetMeter.VirtualMeter.Run
{
    /// <summary>How the virtual meter runs (besides its configuration file, which says who it is).</summary>
    public sealed class RunOptions
    {
        /// <summary>Directory of the configuration file: relative certificate paths in it are taken from there.</summary>
        public string ConfigurationDirectory { get; init; } = ".";

        /// <summary>Directory of the journal (the meter's flash).</summary>
        public required string JournalDirectory { get; init; }

        /// <summary>Simulated seconds per real second; 0 runs as fast as the machine allows; 1 is real time.</summary>
        public double Speed { get; init; } = 1;

        /// <summary>How long to run (simulated time); null runs until stopped.</summary>
        public TimeSpan? Duration { get; init; }

        /// <summary>The emulated load.</summary>
        public string Scenario { get; init; } = "charger";

        /// <summary>"emulated", "i2c:N" (ADE7953 on /dev/i2c-N) or "spi:B.C" (ATM90E32AS on /dev/spidevB.C).</summary>
        public string Bus { get; init; } = "emulated";

        /// <summary>Use the configured SNTP servers (real time only); otherwise a simulated, perfect time source.</summary>
        public bool UseNtp { get; init; }

        /// <summary>
        /// The battery-backed RTC: "none" (default), "emulated" (a DS3231 register-map emulator under dotnet/iot's driver,
        /// kept in the journal directory as its backup cell keeps a real one) or "ds3231:/dev/i2c-N[:0xAA]" (a real DS3231).
        /// </summary>
        public string Rtc { get; init; } = "none";

        /// <summary>Hours from the start with no time source (a network outage after a power cut): the RTC, if any, keeps time.</summary>
        public double OfflineHours { get; init; }

        /// <summary>Connect to the configured broker.</summary>
        public bool UseMqtt { get; init; } = true;

        /// <summary>UTC start of an accelerated run (real time always starts now).</summary>
        public DateTime? StartUtc { get; init; }

        /// <summary>Print each closed period and event.</summary>
        public bool Verbose { get; init; } = true;

        public int Seed { get; init; } = 1;
    }
}
