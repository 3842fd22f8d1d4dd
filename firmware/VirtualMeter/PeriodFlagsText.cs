using System.Collections.Generic;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.VirtualMeter
{
    /// <summary>Period flags as words for people (the device never formats enum names).</summary>
    public static class PeriodFlagsText
    {
        private static readonly (PeriodFlags Flag, string Word)[] Words =
        {
            (PeriodFlags.ClockUnsynchronised, "clock-unsynchronised"),
            (PeriodFlags.ClockAdjusted, "clock-adjusted"),
            (PeriodFlags.PowerLost, "power-lost"),
            (PeriodFlags.IcFault, "ic-fault"),
            (PeriodFlags.CalibrationChanged, "calibration-changed"),
            (PeriodFlags.Partial, "partial"),
            (PeriodFlags.StorageAlarm, "storage-alarm"),
        };

        public static string Describe(PeriodFlags flags)
        {
            if (flags == PeriodFlags.None)
            {
                return string.Empty;
            }

            var words = new List<string>();
            foreach (var (flag, word) in Words)
            {
                if ((flags & flag) != 0)
                {
                    words.Add(word);
                }
            }

            return string.Join(' ', words);
        }
    }
}
