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
        /// 10 Wh, which bounds the energy a power cut can lose (see docs/firmware.md).
        /// </summary>
        public long CheckpointEnergyMicrowattHours = 10000000;

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
