using System;
using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Metrology.Energy
{
    /// <summary>
    /// How often an IC's energy registers must be read so that they can never overflow (or, for an
    /// accumulating register, wrap more than half way) between two reads, even at the maximum demand.
    /// </summary>
    public static class PollSchedule
    {
        /// <summary>Reads are spaced at most a quarter of the time the register takes to fill at maximum demand.</summary>
        public const int SafetyFactor = 4;

        /// <summary>The largest delta, in counts, one read of a register of this kind can represent unambiguously.</summary>
        public static long CapacityCounts(RegisterKind kind)
        {
            switch (kind)
            {
                case RegisterKind.Unsigned16ClearOnRead:
                    return 0xFFFF;
                case RegisterKind.Signed24Accumulating:
                case RegisterKind.Signed24ClearOnRead:
                    return 0x7FFFFF;
                default:
                    throw new ArgumentOutOfRangeException("kind", "unknown register kind");
            }
        }

        /// <summary>Ticks (100 ns) for <paramref name="maximumDemandWatts"/> to put the register's capacity into it.</summary>
        public static long FillTicks(RegisterKind kind, EnergyScale scale, long maximumDemandWatts)
        {
            if (scale == null)
            {
                throw new ArgumentNullException("scale");
            }

            if (maximumDemandWatts <= 0)
            {
                throw new ArgumentOutOfRangeException("maximumDemandWatts", "must be positive");
            }

            // capacity counts * µWh/count = µWh; ticks = µWh * 36,000 / W.
            long microwattHours = WideMath.MultiplyDivide(CapacityCounts(kind), scale.MicrowattHoursPerCountNumerator, scale.MicrowattHoursPerCountDenominator);
            return WideMath.MultiplyDivide(microwattHours, 36000, maximumDemandWatts);
        }

        /// <summary>
        /// The poll interval to use: <paramref name="preferredTicks"/>, shortened if needed to a quarter of the fill time.
        /// </summary>
        public static long IntervalTicks(RegisterKind kind, EnergyScale scale, long maximumDemandWatts, long preferredTicks)
        {
            long safe = FillTicks(kind, scale, maximumDemandWatts) / SafetyFactor;
            return preferredTicks < safe ? preferredTicks : safe;
        }
    }
}
