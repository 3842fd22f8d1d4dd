using System;
using AssetMeter.Firmware.Metering;

namespace AssetMeter.Firmware.Host
{
    /// <summary>
    /// The energy a power cut can take from the meter under its checkpoint policy (MeteringSettings), derived in
    /// docs/firmware.md, "Checkpoint policy and energy at risk". The power-cut harness checks against it and the
    /// flash-wear bench prints it.
    /// </summary>
    public static class EnergyAtRisk
    {
        private const double TicksPerHour = 3600.0 * 10_000_000;

        /// <summary>
        /// The most a cut can take at a steady <paramref name="watts"/> with the IC read every
        /// <paramref name="pollTicks"/>, Wh (the loss stays below this).
        /// </summary>
        /// <remarks>
        /// At the last poll before the cut no checkpoint was written, so either less than the threshold had been
        /// measured since the last checkpoint, or less than the minimum interval had passed since it: then at most
        /// that interval less one poll had been measured. To that comes what the IC counted after its last read, one
        /// poll. A cut in the middle of a checkpoint write falls back on the previous checkpoint, and the same two
        /// cases bound what was measured since it. When a single poll carries the threshold and the minimum
        /// interval is no longer than a poll, every poll writes a checkpoint and only the unread poll is at risk.
        /// </remarks>
        public static double WattHours(MeteringSettings settings, double watts, long pollTicks)
        {
            double thresholdWattHours = settings.CheckpointEnergyMicrowattHours / 1e6;
            double pollWattHours = watts * pollTicks / TicksPerHour;
            double belowThreshold = pollWattHours >= thresholdWattHours ? 0 : thresholdWattHours;
            double withinInterval = settings.CheckpointMinimumTicks > pollTicks
                ? watts * (settings.CheckpointMinimumTicks - pollTicks) / TicksPerHour
                : 0;
            return Math.Max(belowThreshold, withinInterval) + pollWattHours;
        }
    }
}
