using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Bench.Calibration;
using AssetMeter.Bench.Measurement;
using AssetMeter.Bench.MeterUnderTest;
using AssetMeter.Bench.Plan;
using AssetMeter.Bench.Reference;
using AssetMeter.Bench.Report;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Bench.Run
{
    /// <summary>What a session did: the runs (as found, and after calibration when asked) and the calibration step.</summary>
    public sealed record SessionResult(List<BenchRun> Runs, CalibrationStep? Calibration, CalibrationRecord? RecordSent);

    /// <summary>
    /// A bench session: run the plan as found; with calibration asked for, fit the meter's gain, phase and offset from
    /// that run, send the corrected record to the meter (over MQTT, the authenticated <c>calibrate</c> command), and
    /// run the plan again, so that the report shows before and after.
    /// </summary>
    public static class BenchSession
    {
        public const string AsFound = "as found";
        public const string AfterCalibration = "after calibration";

        public static async Task<SessionResult> RunAsync(TestPlan plan, IReferenceMeter reference, IMeterUnderTest meter, ILoadSource source, IBenchClock clock,
            IBenchProgress progress, bool calibrate, CalibrationRecord? inForce, CancellationToken cancel)
        {
            var runner = new BenchRunner(plan, reference, meter, source, clock, progress);
            BenchRun first = await runner.RunAsync(AsFound, cancel);
            var runs = new List<BenchRun> { first };
            if (!calibrate)
            {
                return new SessionResult(runs, null, null);
            }

            if (!meter.CanCalibrate)
            {
                throw new InvalidOperationException("this meter channel cannot send a calibration (" + meter.Channel + ")");
            }

            CalibrationFit fit = CalibrationFit.From(first);
            CalibrationRecord before = CalibrationAssistant.InForce(first.Meter, inForce);
            CalibrationRecord after = CalibrationAssistant.Next(before, fit.Correction);
            string answer = await meter.CalibrateAsync(after, cancel);
            BenchRun second = await runner.RunAsync(AfterCalibration, cancel);
            runs.Add(second);
            var step = new CalibrationStep(fit, CalibrationAssistant.Hex(before), before.Version, CalibrationAssistant.Hex(after), after.Version, answer);
            return new SessionResult(runs, step, after);
        }
    }
}
