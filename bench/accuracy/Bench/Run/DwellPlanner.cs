using System;
using System.Globalization;
using AssetMeter.Bench.Measurement;
using AssetMeter.Bench.Plan;
using AssetMeter.Metrology.Accuracy;

namespace AssetMeter.Bench.Run
{
    /// <summary>
    /// How long the load stays on at a point. Accuracy: the longest of the plan's minimum time, the time for the
    /// minimum pulse count on every side counted by pulses, and the time for enough energy that the two registers'
    /// resolution (the difference of two readings is within one step of each) is at most a tenth of a fifth of the
    /// narrower limit, so that the reference's own uncertainty dominates; capped at the plan's maximum. Starting: 1.2
    /// times the time the required pulses take at the starting power. Creep: the plan's.
    /// </summary>
    public static class DwellPlanner
    {
        /// <summary>The registers' resolution may add at most this share of the 1/5-of-limit uncertainty (0.05 % for Type 5).</summary>
        public const double ResolutionShare = 0.1;

        /// <summary>Allowance on the starting test: a meter that needs 20 % longer than ideal still starts.</summary>
        public const double StartingAllowance = 1.2;

        /// <summary>Creep test length when the plan gives none, seconds.</summary>
        public const double DefaultCreepSeconds = 900;

        public static (double Seconds, string Reason) Dwell(TestPlan plan, TestPoint point, LoadSetting load, double referenceStandardPercent,
            double referenceStepWattHours, bool referencePulses, double meterStepWattHours, bool meterPulses, double referencePulseWattHours)
        {
            if (point.DwellSeconds is double fixedSeconds)
            {
                return (fixedSeconds, "fixed by the plan");
            }

            double watts = Math.Abs(load.ActivePowerWatts);
            int pulses = plan.MinimumPulsesOf(point);
            double meterPulseWattHours = 1000.0 / plan.Meter.MeterConstant;
            switch (point.Kind)
            {
                case PointKind.Creep:
                    return (DefaultCreepSeconds, "default no-load duration");
                case PointKind.Starting:
                    return (Math.Ceiling(StartingAllowance * pulses * meterPulseWattHours * 3600.0 / watts),
                        Text($"{StartingAllowance} x the time for {pulses} meter pulse(s) at {watts:0.###} W"));
            }

            double seconds = plan.Defaults.MinimumSeconds;
            string reason = "minimum time";
            if (meterPulses)
            {
                Longer(ref seconds, ref reason, pulses * meterPulseWattHours * 3600.0 / watts, Text($"{pulses} meter pulses"));
            }

            if (referencePulses)
            {
                Longer(ref seconds, ref reason, pulses * referencePulseWattHours * 3600.0 / watts, Text($"{pulses} reference pulses"));
            }

            LimitsOfError limits = point.Type5 ? LimitsOfError.CoP11Type5 : Verdicts.Class1(point.Class1Percent ?? 1.0);
            double fifth = Verdicts.FifthOfLimit * Verdicts.NarrowerPercent(limits);
            double steps = Math.Sqrt((referenceStepWattHours * referenceStepWattHours) + (meterStepWattHours * meterStepWattHours));
            double energy = steps / (ResolutionShare * fifth / 100.0);
            Longer(ref seconds, ref reason, energy * 3600.0 / watts, Text($"register resolution within {ResolutionShare * fifth:0.###} %"));
            if (2.0 * referenceStandardPercent > fifth)
            {
                reason += Text($" (the reference alone gives U = {2.0 * referenceStandardPercent:0.###} %, more than 1/5 of the limit: more time cannot help)");
            }

            if (seconds > plan.Defaults.MaximumSeconds)
            {
                return (plan.Defaults.MaximumSeconds, reason + " (capped at the plan's maximum)");
            }

            return (Math.Ceiling(seconds), reason);
        }

        private static void Longer(ref double seconds, ref string reason, double candidate, string why)
        {
            if (candidate > seconds)
            {
                seconds = candidate;
                reason = why;
            }
        }

        private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
