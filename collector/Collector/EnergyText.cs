using System.Globalization;

namespace AssetMeter.Collector
{
    /// <summary>Energy in milliwatt-hours written as watt-hours with exactly three decimals (no floating point).</summary>
    public static class EnergyText
    {
        public static string WattHours(long milliwattHours)
        {
            string sign = milliwattHours < 0 ? "-" : string.Empty;
            long magnitude = milliwattHours < 0 ? -milliwattHours : milliwattHours;
            return sign + (magnitude / 1000).ToString(CultureInfo.InvariantCulture) + "." + (magnitude % 1000).ToString("000", CultureInfo.InvariantCulture);
        }

        /// <summary>Kilowatt-hours with six decimals.</summary>
        public static string KilowattHours(long milliwattHours)
        {
            string sign = milliwattHours < 0 ? "-" : string.Empty;
            long magnitude = milliwattHours < 0 ? -milliwattHours : milliwattHours;
            return sign + (magnitude / 1_000_000).ToString(CultureInfo.InvariantCulture) + "." + (magnitude % 1_000_000).ToString("000000", CultureInfo.InvariantCulture);
        }
    }
}
