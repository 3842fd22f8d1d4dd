using System;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Hardware.Emulation
{
    /// <summary>The shell's clock over an emulator's simulated time: a driver that waits advances the chip.</summary>
    public sealed class EmulatorDriverClock : IDriverClock
    {
        private readonly EmulatedMeteringChip _chip;

        public EmulatorDriverClock(EmulatedMeteringChip chip) => _chip = chip;

        /// <summary>When false, Sleep returns at once (a shell that forgets to wait).</summary>
        public bool Waits { get; set; } = true;

        public long MonotonicTicks => (long)Math.Round(_chip.Now * 10_000_000.0);

        public void Sleep(int milliseconds)
        {
            if (Waits)
            {
                _chip.Advance(milliseconds / 1000.0);
            }
        }
    }

    /// <summary>A clock that never waits, for drivers talking to something that needs no time (fakes, dead buses).</summary>
    public sealed class ImmediateDriverClock : IDriverClock
    {
        public static readonly ImmediateDriverClock Instance = new();

        public long MonotonicTicks => 0;

        public void Sleep(int milliseconds)
        {
        }
    }
}
