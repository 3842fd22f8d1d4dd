using System.Collections.Generic;

namespace AssetMeter.Bench.Plan
{
    /// <summary>
    /// The plan the bench runs when given none: the single-phase points of the Meters (Certification) Regulations 1998
    /// (SI 1998/1566) Schedule 1 Table 2, merged with the IEC 62053-21 class 1 point set (Table 3 as coded by
    /// erhnam/metrology_insight; check it against the standard), every accuracy point judged against CoP11 Type 5.
    /// A point both sets name is run once and carries both limits.
    /// </summary>
    public static class DefaultPlan
    {
        public const string Table2 = "SI 1998/1566 Sch. 1 Table 2";
        public const string Iec = "IEC 62053-21 Table 3 (class 1)";

        /// <summary>The default plan for a meter of the given ratings (the reference board's: 230 V, Ib 10 A, Imax 63 A, 3200 imp/kWh).</summary>
        public static TestPlan Create(MeterRatings? ratings = null)
        {
            var points = new List<TestPoint>
            {
                Accuracy("P01", "Imax", "1", 1.0, Table2 + "; " + Iec),
                Accuracy("P02", "Ib", "1", 1.0, Table2 + "; " + Iec, repetitions: 5),
                Accuracy("P03", "0.5 Ib", "1", 1.0, Iec),
                Accuracy("P04", "0.1 Ib", "1", 1.0, Iec),
                Accuracy("P05", "0.05 Ib", "1", 1.5, Table2 + "; " + Iec),
                Accuracy("P06", "Ib", "0.5 lag", 1.0, Table2 + "; " + Iec),
                Accuracy("P07", "0.5 Ib", "0.5 lag", 1.0, Iec),
                Accuracy("P08", "0.2 Ib", "0.5 lag", 1.0, Iec),
                Accuracy("P09", "0.1 Ib", "0.5 lag", 1.5, Iec),
                Accuracy("P10", "Ib", "0.8 lead", 1.0, Iec),
                Accuracy("P11", "0.5 Ib", "0.8 lead", 1.0, Iec),
                new TestPoint
                {
                    Id = "S01",
                    Name = "Starting current 0.004 Ib, PF 1",
                    Kind = PointKind.Starting,
                    Current = "0.004 Ib",
                    Type5 = false,
                    Origin = Table2 + " (0.5-1 % Ib); IEC 62053-21 class 1 direct (0.004 Ib, the lower)",
                },
                new TestPoint
                {
                    Id = "N01",
                    Name = "No load (creep) at 1.15 Un",
                    Kind = PointKind.Creep,
                    Voltage = "1.15 Un",
                    Current = "0",
                    Type5 = false,
                    DwellSeconds = 900,
                    Origin = Table2 + "; IEC 62053-21 no-load test (set the duration from your standard's formula)",
                },
            };

            return new TestPlan
            {
                Name = "CoP11 Type 5 with SI 1998/1566 Table 2 and IEC 62053-21 class 1 points (single phase)",
                Meter = ratings ?? new MeterRatings(),
                Points = points,
            };
        }

        private static TestPoint Accuracy(string id, string current, string powerFactor, double class1Percent, string origin, int? repetitions = null)
            => new()
            {
                Id = id,
                Name = current + ", PF " + powerFactor,
                Current = current,
                PowerFactor = powerFactor,
                Class1Percent = class1Percent,
                Repetitions = repetitions,
                Origin = origin,
            };
    }
}
