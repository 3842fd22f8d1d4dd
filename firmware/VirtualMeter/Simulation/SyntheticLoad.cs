using System;

namespace AssetMeter.VirtualMeter.Simulation
{
    /// <summary>
    /// A home battery's day, as a signed active power in watts (positive: importing, charging; negative:
    /// exporting, discharging): charges on cheap night power, sits on standby, exports in the evening peak,
    /// with a little measurement-scale noise. Deterministic for a given seed.
    /// </summary>
    public sealed class SyntheticLoad
    {
        private readonly Random _random;

        public SyntheticLoad(int seed)
        {
            _random = new Random(seed);
        }

        /// <summary>Power in watts during the second that starts <paramref name="secondOfDay"/> seconds after UTC midnight.</summary>
        public int PowerWatts(int secondOfDay)
        {
            double hour = secondOfDay / 3600.0;
            int noise = _random.Next(-40, 41);
            if (hour >= 1.0 && hour < 4.5)
            {
                return 3680 + noise;            // 16 A charge from the grid overnight
            }

            if (hour >= 16.0 && hour < 19.5)
            {
                return -2500 + noise;           // discharge into the evening peak
            }

            if (hour >= 11.0 && hour < 12.0)
            {
                return 7400 + noise;            // a fast top-up (32 A)
            }

            return 12 + (noise / 10);           // standby electronics
        }
    }
}
