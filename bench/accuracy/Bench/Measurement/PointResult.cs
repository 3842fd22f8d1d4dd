using System;
using System.Collections.Generic;
using AssetMeter.Bench.MeterUnderTest;
using AssetMeter.Bench.Plan;
using AssetMeter.Bench.Reference;

namespace AssetMeter.Bench.Measurement
{
    /// <summary>One run of a point: the readings before and after, and the time the load was on.</summary>
    public sealed class Repetition
    {
        public required ReferenceReading ReferenceStart { get; init; }

        public required ReferenceReading ReferenceEnd { get; init; }

        public required MeterReading MeterStart { get; init; }

        public required MeterReading MeterEnd { get; init; }

        public DateTime LoadOnUtc { get; init; }

        public DateTime LoadOffUtc { get; init; }

        public ReferenceInstantaneous? Instantaneous { get; init; }

        public double ReferenceWattHours => ReferenceEnd.WattHours - ReferenceStart.WattHours;

        public double MeterWattHours => (MeterEnd.ImportMicrowattHours - MeterStart.ImportMicrowattHours) / 1e6;

        public double OnSeconds => (LoadOffUtc - LoadOnUtc).TotalSeconds;

        /// <summary>The larger of the two readings' steps, Wh.</summary>
        public double ReferenceStepWattHours => Math.Max(ReferenceStart.ResolutionWattHours, ReferenceEnd.ResolutionWattHours);

        public double? ErrorPercent => ReferenceWattHours > 0 ? 100.0 * (MeterWattHours - ReferenceWattHours) / ReferenceWattHours : null;
    }

    /// <summary>A point of the plan as measured and judged.</summary>
    public sealed class PointResult
    {
        public required TestPoint Point { get; init; }

        public required LoadSetting Load { get; init; }

        public double DwellSeconds { get; init; }

        public string DwellReason { get; init; } = string.Empty;

        public List<Repetition> Repetitions { get; } = new();

        /// <summary>Why the point could not be measured, or null.</summary>
        public string? Failure { get; set; }

        public double ReferenceWattHours { get; set; }

        public double MeterWattHours { get; set; }

        /// <summary>(E_meter - E_ref) / E_ref of the energies summed over the runs, percent.</summary>
        public double? ErrorPercent { get; set; }

        /// <summary>Experimental standard deviation of the runs' errors, percent (two or more runs).</summary>
        public double? SpreadPercent { get; set; }

        public UncertaintyBudget? Budget { get; set; }

        public List<Judgement> Judgements { get; } = new();

        /// <summary>For starting and creep points: the threshold in Wh the meter's energy was held against.</summary>
        public double? ThresholdWattHours { get; set; }

        /// <summary>The worst outcome over the point's judgements (not measured, fail, inconclusive, pass).</summary>
        public PointOutcome Outcome
        {
            get
            {
                if (Failure != null || Judgements.Count == 0)
                {
                    return PointOutcome.NotMeasured;
                }

                PointOutcome worst = PointOutcome.Pass;
                foreach (Judgement j in Judgements)
                {
                    if (Rank(j.Outcome) > Rank(worst))
                    {
                        worst = j.Outcome;
                    }
                }

                return worst;
            }
        }

        /// <summary>The outcome against the limits named <paramref name="prefix"/>... (null when the point is not judged against them).</summary>
        public Judgement? JudgementFor(string prefix)
        {
            foreach (Judgement j in Judgements)
            {
                if (j.Limits.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return j;
                }
            }

            return null;
        }

        private static int Rank(PointOutcome outcome) => outcome switch
        {
            PointOutcome.Pass => 0,
            PointOutcome.Inconclusive => 1,
            PointOutcome.Fail => 2,
            _ => 3,
        };
    }

    /// <summary>One run of the whole plan.</summary>
    public sealed class BenchRun
    {
        public required string Label { get; init; }

        public required TestPlan Plan { get; init; }

        public required MeterInfo Meter { get; init; }

        public required string MeterChannel { get; init; }

        public required ReferenceIdentity Reference { get; init; }

        public required string Source { get; init; }

        public DateTime StartUtc { get; init; }

        public DateTime EndUtc { get; set; }

        /// <summary>Real (wall-clock) seconds the run took, where the bench clock is accelerated.</summary>
        public double WallSeconds { get; set; }

        public List<PointResult> Points { get; } = new();

        public int Count(PointOutcome outcome) => Points.FindAll(p => p.Outcome == outcome).Count;
    }
}
