using System;
using AssetMeter.Metrology.Accuracy;

namespace AssetMeter.Bench.Measurement
{
    /// <summary>The outcome of a point against one set of limits.</summary>
    public enum PointOutcome
    {
        Pass,
        Fail,
        Inconclusive,

        /// <summary>The point could not be measured (reference or meter unreadable): never a pass.</summary>
        NotMeasured,
    }

    /// <summary>A point judged against one set of limits.</summary>
    public sealed record Judgement(string Limits, PointOutcome Outcome, double UpperPercent, double LowerPercent, string Reason);

    /// <summary>
    /// Verdicts: the limits themselves are the metrology core's (<see cref="LimitsOfError"/>, CoP11 Type 5 there, class 1
    /// built from the plan's percentage), and so is the decision with the uncertainty band. On top, the rule of
    /// IEC 62058-11/-21: a measurement whose uncertainty exceeds a fifth of the limit cannot pass (it is inconclusive);
    /// a result whose whole band lies outside the limits still fails.
    /// </summary>
    public static class Verdicts
    {
        public const double FifthOfLimit = 0.2;

        /// <summary>Class 1 limits of ±<paramref name="percent"/> (IEC 62053-21 at that point).</summary>
        public static LimitsOfError Class1(double percent)
        {
            long ppm = (long)Math.Round(percent * 10000.0);
            return new LimitsOfError("IEC 62053-21 class 1 (±" + percent.ToString("0.0##", System.Globalization.CultureInfo.InvariantCulture) + " %)", ppm, -ppm);
        }

        /// <summary>The smaller of a limit's two magnitudes, percent.</summary>
        public static double NarrowerPercent(LimitsOfError limits) => Math.Min(limits.UpperPpm, -limits.LowerPpm) / 10000.0;

        public static Judgement Judge(LimitsOfError limits, long meterMicrowattHours, long referenceMicrowattHours, double expandedPercent)
        {
            double upper = limits.UpperPpm / 10000.0;
            double lower = limits.LowerPpm / 10000.0;
            if (referenceMicrowattHours <= 0 || meterMicrowattHours < 0)
            {
                return new Judgement(limits.Name, PointOutcome.NotMeasured, upper, lower, "no reference energy to judge against");
            }

            long uncertaintyPpm = (long)Math.Ceiling(expandedPercent * 10000.0);
            AccuracyVerdict verdict = limits.Judge(meterMicrowattHours, referenceMicrowattHours, uncertaintyPpm);
            double allowed = NarrowerPercent(limits) * FifthOfLimit;
            switch (verdict.Outcome)
            {
                case VerdictOutcome.Fail:
                    return new Judgement(limits.Name, PointOutcome.Fail, upper, lower, "outside the limits by more than the uncertainty");
                case VerdictOutcome.Inconclusive:
                    return new Judgement(limits.Name, PointOutcome.Inconclusive, upper, lower, "the uncertainty band straddles a limit");
                default:
                    return expandedPercent > allowed
                        ? new Judgement(limits.Name, PointOutcome.Inconclusive, upper, lower, $"U = {expandedPercent:0.###} % is more than 1/5 of the limit ({allowed:0.###} %)")
                        : new Judgement(limits.Name, PointOutcome.Pass, upper, lower, "inside the limits with the uncertainty");
            }
        }
    }
}
