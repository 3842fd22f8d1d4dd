using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Bench.Measurement;
using AssetMeter.Bench.MeterUnderTest;
using AssetMeter.Bench.Modbus;
using AssetMeter.Bench.Plan;
using AssetMeter.Bench.Reference;
using AssetMeter.Metrology.Accuracy;

namespace AssetMeter.Bench.Run
{
    /// <summary>
    /// Runs a plan by the start-stop method: with the current off, both registers are read; the load is applied for
    /// the point's dwell and switched off; after the settle time both are read again. Both meters count the same
    /// energy, ramps included, and nothing flows while they are read, so the reading latency of either cannot enter
    /// the error. A reading that fails (Modbus error, missing reference, unverifiable record) marks the point
    /// "not measured" with the reason, and the run goes on.
    /// </summary>
    public sealed class BenchRunner
    {
        private readonly TestPlan _plan;
        private readonly IReferenceMeter _reference;
        private readonly IMeterUnderTest _meter;
        private readonly ILoadSource _source;
        private readonly IBenchClock _clock;
        private readonly IBenchProgress _progress;

        public BenchRunner(TestPlan plan, IReferenceMeter reference, IMeterUnderTest meter, ILoadSource source, IBenchClock clock, IBenchProgress? progress = null)
        {
            plan.Validate();
            _plan = plan;
            _reference = reference;
            _meter = meter;
            _source = source;
            _clock = clock;
            _progress = progress ?? NoProgress.Instance;
        }

        /// <summary>Runs every point once (or as often as it asks) and returns the results.</summary>
        public async Task<BenchRun> RunAsync(string label, CancellationToken cancel)
        {
            var wall = Stopwatch.StartNew();
            MeterInfo info = await _meter.IdentifyAsync(cancel);
            var run = new BenchRun
            {
                Label = label,
                Plan = _plan,
                Meter = info,
                MeterChannel = _meter.Channel,
                Reference = _reference.Identity,
                Source = _source.Description,
                StartUtc = _clock.UtcNow,
            };

            _progress.RunStarted(label, _plan.Points.Count);
            for (int i = 0; i < _plan.Points.Count; i++)
            {
                PointResult result = await RunPointAsync(i, _plan.Points[i], cancel);
                run.Points.Add(result);
                _progress.PointFinished(i, result);
            }

            await _source.CurrentOffAsync(_plan.Meter.NominalVoltage, cancel);
            run.EndUtc = _clock.UtcNow;
            run.WallSeconds = wall.Elapsed.TotalSeconds;
            return run;
        }

        private async Task<PointResult> RunPointAsync(int index, TestPoint point, CancellationToken cancel)
        {
            LoadSetting load = LoadSetting.Of(point, _plan.Meter);
            (double referenceStandard, string basis) = _reference.Identity.Accuracy.At(load.PowerFactor);
            (double dwell, string reason) = DwellPlanner.Dwell(_plan, point, load, referenceStandard, _reference.ResolutionWattHours, _reference.CountsPulses,
                _meter.ResolutionWattHours, _meter.CountsPulses, _reference.ResolutionWattHours);
            var result = new PointResult { Point = point, Load = load, DwellSeconds = dwell, DwellReason = reason };
            _progress.PointStarted(index, result);
            int runs = _plan.RepetitionsOf(point);
            double settle = _plan.SettleSecondsOf(point);
            try
            {
                for (int r = 0; r < runs; r++)
                {
                    result.Repetitions.Add(await RunOnceAsync(index, point, load, dwell, settle, r, runs, cancel));
                }
            }
            catch (Exception e) when (e is BenchReadException || e is ModbusException)
            {
                result.Failure = e.Message;
                await _source.CurrentOffAsync(load.VoltageRms, cancel);
                return result;
            }

            Evaluate(result, referenceStandard, basis);
            return result;
        }

        private async Task<Repetition> RunOnceAsync(int index, TestPoint point, LoadSetting load, double dwell, double settle, int run, int runs, CancellationToken cancel)
        {
            double share = 1.0 / runs;
            double done = run * share;
            await _source.CurrentOffAsync(load.VoltageRms, cancel);
            _progress.PointProgress(index, done, "settling");
            await _clock.WaitAsync(TimeSpan.FromSeconds(settle), cancel);
            _progress.PointProgress(index, done, "reading start registers");
            ReferenceReading referenceStart = await _reference.ReadAsync(_clock.UtcNow, cancel);
            MeterReading meterStart = await _meter.ReadAsync(cancel);

            DateTime on = _clock.UtcNow;
            ReferenceInstantaneous? instantaneous = null;
            if (point.Kind != PointKind.Creep)
            {
                await _source.ApplyAsync(load, cancel);
            }

            // The load stays on in steps, so that the display moves and the reference is looked at half way.
            const int Steps = 20;
            for (int step = 0; step < Steps; step++)
            {
                // Whole seconds where the dwell allows, so that the steps add up to the dwell exactly.
                double chunk = dwell >= Steps ? Math.Floor((step + 1) * dwell / Steps) - Math.Floor(step * dwell / Steps) : dwell / Steps;
                await _clock.WaitAsync(TimeSpan.FromSeconds(chunk), cancel);
                _progress.PointProgress(index, done + (share * (step + 1) / Steps), point.Kind == PointKind.Creep ? "no load" : "load on");
                if (step == (Steps / 2) - 1 && point.Kind != PointKind.Creep)
                {
                    instantaneous = await _reference.ReadInstantaneousAsync(cancel);
                }
            }

            if (point.Kind != PointKind.Creep)
            {
                await _source.CurrentOffAsync(load.VoltageRms, cancel);
            }

            DateTime off = _clock.UtcNow;
            _progress.PointProgress(index, done + share, "settling");
            await _clock.WaitAsync(TimeSpan.FromSeconds(settle), cancel);
            ReferenceReading referenceEnd = await _reference.ReadAsync(_clock.UtcNow, cancel);
            MeterReading meterEnd = await _meter.ReadAsync(cancel);
            if (referenceEnd.WattHours < referenceStart.WattHours || meterEnd.ImportMicrowattHours < meterStart.ImportMicrowattHours)
            {
                throw new BenchReadException("a register went backwards during the point (reference or meter reset?)");
            }

            if ((meterEnd.FaultFlags & ~meterStart.FaultFlags) != 0 && meterEnd.MeterUtc.HasValue && meterStart.MeterUtc.HasValue
                && SameHalfHour(meterStart.MeterUtc.Value, meterEnd.MeterUtc.Value))
            {
                throw new BenchReadException($"the meter flagged a power loss or IC fault during the point (flags {meterStart.FaultFlags} -> {meterEnd.FaultFlags}): its energy may be wrong");
            }

            return new Repetition
            {
                ReferenceStart = referenceStart,
                ReferenceEnd = referenceEnd,
                MeterStart = meterStart,
                MeterEnd = meterEnd,
                LoadOnUtc = on,
                LoadOffUtc = off,
                Instantaneous = instantaneous,
            };
        }

        private static bool SameHalfHour(DateTime a, DateTime b) => a.Ticks / (30 * TimeSpan.TicksPerMinute) == b.Ticks / (30 * TimeSpan.TicksPerMinute);

        /// <summary>Error, spread, uncertainty and verdicts of a measured point (pure: from its readings only).</summary>
        public static void Evaluate(PointResult result, double referenceStandardPercent, string referenceBasis, bool judgeClass1, double meterConstant, double meterStepWattHours)
        {
            double referenceWattHours = 0;
            double meterWattHours = 0;
            double referenceStep = 0;
            double meterStep = meterStepWattHours;
            foreach (Repetition r in result.Repetitions)
            {
                referenceWattHours += r.ReferenceWattHours;
                meterWattHours += r.MeterWattHours;
                referenceStep = Math.Max(referenceStep, r.ReferenceStepWattHours);
            }

            result.ReferenceWattHours = referenceWattHours;
            result.MeterWattHours = meterWattHours;
            int runs = result.Repetitions.Count;
            TestPoint point = result.Point;
            double pulseWattHours = 1000.0 / meterConstant;
            if (point.Kind == PointKind.Creep)
            {
                // Not more than one pulse of the test output over the test.
                result.ThresholdWattHours = pulseWattHours;
                bool creeps = meterWattHours > pulseWattHours;
                result.Judgements.Add(new Judgement("No load (creep)", creeps ? PointOutcome.Fail : PointOutcome.Pass, 0, 0,
                    FormattableString.Invariant($"registered {meterWattHours * 1000:0.###} mWh; at most one pulse ({pulseWattHours * 1000:0.###} mWh) allowed")));
                return;
            }

            if (referenceWattHours > 0)
            {
                result.ErrorPercent = 100.0 * (meterWattHours - referenceWattHours) / referenceWattHours;
            }

            if (runs > 1)
            {
                double mean = 0;
                foreach (Repetition r in result.Repetitions)
                {
                    mean += r.ErrorPercent ?? 0;
                }

                mean /= runs;
                double squares = 0;
                foreach (Repetition r in result.Repetitions)
                {
                    double d = (r.ErrorPercent ?? 0) - mean;
                    squares += d * d;
                }

                result.SpreadPercent = Math.Sqrt(squares / (runs - 1));
            }

            if (referenceWattHours <= 0)
            {
                result.Failure = "the reference registered no energy: is it wired in series with the meter, and is the source on?";
                return;
            }

            result.Budget = UncertaintyBudget.For(referenceStandardPercent, referenceBasis, referenceWattHours, referenceStep, meterStep, runs, result.SpreadPercent);
            long meter = (long)Math.Round(meterWattHours * 1e6);
            long reference = (long)Math.Round(referenceWattHours * 1e6);
            if (point.Kind == PointKind.Starting)
            {
                int pulses = result.Point.MinimumPulses ?? 1;
                result.ThresholdWattHours = pulses * pulseWattHours;
                bool started = meterWattHours >= result.ThresholdWattHours;
                result.Judgements.Add(new Judgement("Starting current", started ? PointOutcome.Pass : PointOutcome.Fail, 0, 0,
                    FormattableString.Invariant($"registered {meterWattHours * 1000:0.###} mWh; {pulses} pulse(s) = {result.ThresholdWattHours * 1000:0.###} mWh needed")));
                return;
            }

            if (point.Type5)
            {
                result.Judgements.Add(Verdicts.Judge(LimitsOfError.CoP11Type5, meter, reference, result.Budget.ExpandedPercent));
            }

            if (judgeClass1 && point.Class1Percent is double class1)
            {
                result.Judgements.Add(Verdicts.Judge(Verdicts.Class1(class1), meter, reference, result.Budget.ExpandedPercent));
            }
        }

        private void Evaluate(PointResult result, double referenceStandardPercent, string referenceBasis)
            => Evaluate(result, referenceStandardPercent, referenceBasis, _plan.JudgeClass1, _plan.Meter.MeterConstant, _meter.ResolutionWattHours);
    }
}
