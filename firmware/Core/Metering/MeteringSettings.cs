using AssetMeter.Metrology.Energy;

namespace AssetMeter.Firmware.Metering
{
    /// <summary>
    /// Tuning of the metering loop. The defaults are the documented design values (docs/firmware.md); identity and
    /// network settings are not here but in the configuration, which has no invented defaults.
    /// </summary>
    public sealed class MeteringSettings
    {
        /// <summary>Ticks in a second.</summary>
        public const long Second = 10000000;

        /// <summary>The asset's maximum demand (plausibility limit and poll schedule): Type 5 is at most 100 kW.</summary>
        public long MaximumDemandWatts = EnergyDeltaDecoder.Type5MaximumDemandWatts;

        /// <summary>Preferred interval between reads of the IC; shortened if the registers could fill faster.</summary>
        public long PreferredPollTicks = Second;

        /// <summary>
        /// A checkpoint is written once this much energy (import plus export) has been measured since the last one:
        /// 10 Wh, but not sooner than <see cref="CheckpointMinimumTicks"/> after it. Below 2.4 kW this bounds the
        /// energy a power cut can lose (see docs/firmware.md, "Checkpoint policy and energy at risk").
        /// </summary>
        public long CheckpointEnergyMicrowattHours = 10000000;

        /// <summary>
        /// An energy-triggered checkpoint waits until this long after the last checkpoint: 15 seconds. It caps the
        /// checkpoints at 5,760 a day at any load, which keeps the journal's 2 MiB LittleFS partition good for
        /// about 30 years at 100,000 erase cycles even at 100 kW (measured against the real LittleFS; docs/firmware.md,
        /// "Flash wear"). Up to 2.4 kW, where 10 Wh takes 15 s or more, it changes nothing. Above that, a power cut
        /// can lose up to 15 s at full demand instead of 10 Wh: 29.2 Wh at 7 kW, 416.7 Wh at 100 kW.
        /// Checkpoints for lasting state (a period closed, a clock step, a command) and the 5-minute one do not wait.
        /// </summary>
        public long CheckpointMinimumTicks = 15 * Second;

        /// <summary>A checkpoint is written at least this often even with no energy flowing: 5 minutes.</summary>
        public long CheckpointMaximumTicks = 300 * Second;

        /// <summary>How often the IC's configuration and checksum are verified: every minute.</summary>
        public long HealthCheckTicks = 60 * Second;

        /// <summary>How often a failed IC start is retried.</summary>
        public long IcRetryTicks = 10 * Second;

        /// <summary>
        /// After start-up without a known time, energy is held for this long waiting for the first synchronisation
        /// (then attributed to the right periods); after it, the last checkpoint's time is used provisionally.
        /// </summary>
        public long TimeWaitTicks = 600 * Second;
    }
}
