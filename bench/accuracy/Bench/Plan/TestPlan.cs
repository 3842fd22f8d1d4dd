using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace AssetMeter.Bench.Plan
{
    /// <summary>What a test point checks.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<PointKind>))]
    public enum PointKind
    {
        /// <summary>Percentage error at a load, judged against limits of error.</summary>
        Accuracy,

        /// <summary>Starting current: at a very small load the meter must register.</summary>
        Starting,

        /// <summary>No load (creep): voltage on, no current; the meter must not register more than one pulse.</summary>
        Creep,
    }

    /// <summary>The ratings of the meter under test, which the points' currents and voltages are fractions of.</summary>
    public sealed class MeterRatings
    {
        /// <summary>Reference voltage Un, volts.</summary>
        public double NominalVoltage { get; set; } = 230.0;

        /// <summary>Basic current Ib (In in IEC 62052-11 Ed. 2), amperes.</summary>
        public double BasicCurrent { get; set; } = 10.0;

        /// <summary>Maximum current Imax, amperes.</summary>
        public double MaximumCurrent { get; set; } = 63.0;

        /// <summary>Line frequency, Hz.</summary>
        public double Frequency { get; set; } = 50.0;

        /// <summary>Measuring elements loaded together (1, or 3 for a balanced polyphase test).</summary>
        public int Phases { get; set; } = 1;

        /// <summary>The meter's test output (LED or CF pin), impulses per kWh: sets the creep and starting limits and pulse counting.</summary>
        public double MeterConstant { get; set; } = 3200.0;
    }

    /// <summary>What every point uses unless it says otherwise.</summary>
    public sealed class PlanDefaults
    {
        /// <summary>Wait after every change of the source before reading, seconds (pulse outputs and registers catch up).</summary>
        public double SettleSeconds { get; set; } = 10.0;

        /// <summary>Shortest time the load is on at a point, seconds.</summary>
        public double MinimumSeconds { get; set; } = 30.0;

        /// <summary>Fewest pulses of each side counted by pulses (meter test output, reference pulse output).</summary>
        public int MinimumPulses { get; set; } = 25;

        /// <summary>Longest time the load is on at a point, seconds (a poor reference resolution cannot stretch a point for ever).</summary>
        public double MaximumSeconds { get; set; } = 6 * 3600.0;

        /// <summary>Runs per point (more than one: the error is the mean and the spread enters the uncertainty).</summary>
        public int Repetitions { get; set; } = 1;
    }

    /// <summary>One test point of the plan, as written in the plan file.</summary>
    public sealed class TestPoint
    {
        /// <summary>Short id used in tables and plots ("T2-1", "C1-4").</summary>
        public string Id { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public PointKind Kind { get; set; } = PointKind.Accuracy;

        /// <summary>"Un", "1.15 Un" or "230 V".</summary>
        public string Voltage { get; set; } = "Un";

        /// <summary>"Ib", "0.05 Ib", "Imax", "0.5 Imax" or "2.5 A"; "0" for no load.</summary>
        public string Current { get; set; } = "Ib";

        /// <summary>"1", "0.5 lag" (inductive), "0.8 lead" (capacitive); "ind"/"cap" are accepted too.</summary>
        public string PowerFactor { get; set; } = "1";

        /// <summary>Judge against CoP11 Type 5 (+2.5 % / -3.5 %).</summary>
        public bool Type5 { get; set; } = true;

        /// <summary>The IEC 62053-21 class 1 limit at this point, ± percent; null where the class sets none.</summary>
        public double? Class1Percent { get; set; }

        /// <summary>Fixed time with the load on, seconds; null: the bench works it out (see <see cref="DwellPlanner"/>).</summary>
        public double? DwellSeconds { get; set; }

        public double? SettleSeconds { get; set; }

        public int? MinimumPulses { get; set; }

        public int? Repetitions { get; set; }

        /// <summary>Where the point comes from ("SI 1998/1566 Sch. 1 Table 2", "IEC 62053-21 Table 3").</summary>
        public string Origin { get; set; } = string.Empty;
    }

    /// <summary>A test plan: the meter's ratings, defaults and the points in the order they run.</summary>
    public sealed class TestPlan
    {
        public string Name { get; set; } = string.Empty;

        public MeterRatings Meter { get; set; } = new();

        public PlanDefaults Defaults { get; set; } = new();

        /// <summary>Also judge the points that carry a class 1 limit against it (optional: a Type 5 meter need not be class 1).</summary>
        public bool JudgeClass1 { get; set; }

        public List<TestPoint> Points { get; set; } = new();

        /// <summary>Checks the plan; throws <see cref="FormatException"/> naming the first problem.</summary>
        public void Validate()
        {
            if (Meter.NominalVoltage <= 0 || Meter.BasicCurrent <= 0 || Meter.MaximumCurrent < Meter.BasicCurrent || Meter.Frequency <= 0)
            {
                throw new FormatException("plan: meter ratings need Un > 0, Ib > 0, Imax >= Ib and a frequency");
            }

            if (Meter.Phases != 1 && Meter.Phases != 3)
            {
                throw new FormatException("plan: meter phases must be 1 or 3");
            }

            if (Meter.MeterConstant <= 0 || Defaults.MinimumSeconds <= 0 || Defaults.MaximumSeconds < Defaults.MinimumSeconds || Defaults.Repetitions < 1 || Defaults.SettleSeconds < 0)
            {
                throw new FormatException("plan: meter constant, minimum/maximum seconds, settle and repetitions must be positive (maximum >= minimum)");
            }

            if (Points.Count == 0)
            {
                throw new FormatException("plan: no points");
            }

            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (TestPoint point in Points)
            {
                if (string.IsNullOrWhiteSpace(point.Id) || !ids.Add(point.Id))
                {
                    throw new FormatException($"plan: point id '{point.Id}' is empty or used twice");
                }

                LoadSetting load = LoadSetting.Of(point, Meter);
                if (point.Kind == PointKind.Creep && load.CurrentRms != 0)
                {
                    throw new FormatException($"plan: creep point {point.Id} must have current 0");
                }

                if (point.Kind != PointKind.Creep && load.CurrentRms <= 0)
                {
                    throw new FormatException($"plan: point {point.Id} needs a current");
                }

                if (point.Kind == PointKind.Accuracy && !point.Type5 && point.Class1Percent == null)
                {
                    throw new FormatException($"plan: accuracy point {point.Id} is judged against no limits");
                }

                if (point.Class1Percent is <= 0 || point.DwellSeconds is <= 0 || point.Repetitions is < 1 || point.MinimumPulses is < 0 || point.SettleSeconds is < 0)
                {
                    throw new FormatException($"plan: point {point.Id} has a limit, dwell, repetitions, pulses or settle out of range");
                }
            }
        }

        public double SettleSecondsOf(TestPoint point) => point.SettleSeconds ?? Defaults.SettleSeconds;

        public int RepetitionsOf(TestPoint point) => point.Repetitions ?? Defaults.Repetitions;

        public int MinimumPulsesOf(TestPoint point) => point.MinimumPulses ?? (point.Kind == PointKind.Starting ? 1 : Defaults.MinimumPulses);
    }
}
