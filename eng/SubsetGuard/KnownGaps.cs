using System;

namespace AssetMeter.SubsetGuard
{
    /// <summary>
    /// Framework members that desktop .NET has and the nanoFramework stable line lacks or changes, with the
    /// advice a developer needs. They are refused even if someone adds them to the allow-list by mistake.
    /// Sources: nanoFramework CoreLibrary main (System/String.cs, Threading/Interlocked.cs, TimeSpan.cs,
    /// DateTime.cs, Console.cs, Array.cs) as summarised in shared/reference/nanoframework.md §1.
    /// </summary>
    internal static class KnownGaps
    {
        private static readonly Gap[] Gaps =
        {
            new Gap("M:System.String.Replace(", "String.Replace does not exist on nanoFramework; build the text with a loop or StringBuilder"),
            new Gap("M:System.String.Join(", "String.Join does not exist on nanoFramework; concatenate in a loop"),
            new Gap("M:System.String.IsNullOrWhiteSpace(", "String.IsNullOrWhiteSpace does not exist on nanoFramework; use IsNullOrEmpty on a trimmed string"),
            new Gap("M:System.String.Create(", "String.Create is span-based and absent on nanoFramework"),
            new Gap("M:System.Threading.Interlocked.", "Interlocked works on int only on nanoFramework; guard 64-bit counters with lock", "System.Int64"),
            new Gap("M:System.TimeSpan.From", "nanoFramework's TimeSpan factories take long only; pass an integer number of ticks, milliseconds or seconds", "System.Double"),
            new Gap("P:System.DateTime.Now", "nanoFramework is UTC-only: use DateTime.UtcNow"),
            new Gap("M:System.DateTime.ToLocalTime", "nanoFramework is UTC-only"),
            new Gap("T:System.DateTimeOffset", "DateTimeOffset does not exist on nanoFramework; keep UTC DateTime or ticks"),
            new Gap("M:System.Array.Sort(", "Array.Sort does not exist on nanoFramework; sort explicitly"),
            new Gap("M:System.Array.Resize", "Array.Resize does not exist on nanoFramework; allocate and Array.Copy"),
            new Gap("M:System.Console.Write", "nanoFramework's Console has only Write(string)/WriteLine(string); log through the core's event sink", "System.Object"),
            new Gap("M:System.Math.Clamp(", "nanoFramework.System.Math has Clamp only for double, float, long and ulong (no int), so a call binds differently on the device; compare explicitly"),
            new Gap("M:System.Math.BigMul(", "Math.BigMul is not in nanoFramework.System.Math; use the core's 128-bit helper"),
            new Gap("M:System.Math.DivRem(", "Math.DivRem is not in nanoFramework.System.Math"),
            new Gap("T:System.HashCode", "System.HashCode does not exist on nanoFramework"),
            new Gap("T:System.Environment", "use the shell's tick source; Environment.TickCount64 lives in nanoFramework.Runtime.Native and only the shells may read clocks"),
            new Gap("T:System.Diagnostics.Stopwatch", "Stopwatch is not in the nanoFramework CoreLibrary; the shells hand the core its ticks"),
        };

        /// <summary>The advice for a member known to be missing, or null.</summary>
        public static string? Find(string id)
        {
            foreach (var gap in Gaps)
            {
                if (id.StartsWith(gap.Prefix, StringComparison.Ordinal)
                    && (gap.MustContain == null || id.IndexOf(gap.MustContain, StringComparison.Ordinal) >= 0))
                {
                    return gap.Advice;
                }
            }

            return null;
        }

        private sealed class Gap
        {
            public Gap(string prefix, string advice, string? mustContain = null)
            {
                Prefix = prefix;
                Advice = advice;
                MustContain = mustContain;
            }

            public string Prefix { get; }

            public string Advice { get; }

            public string? MustContain { get; }
        }
    }
}
