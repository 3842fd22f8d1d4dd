using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using AssetMeter.Bench.Emulated;
using AssetMeter.Bench.Measurement;
using AssetMeter.Bench.Plan;
using AssetMeter.Bench.Report;
using AssetMeter.Bench.Run;
using AssetMeter.Collector.Records;
using AssetMeter.Collector.Verification;
using AssetMeter.Hardware.Emulation;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Bench.Tests
{
    /// <summary>
    /// The issue's acceptance runs on the emulated bench: the real meter firmware over an emulated ADE7953, read
    /// through signed snapshots over MQTT and calibrated by the authenticated command; the reference over Modbus RTU
    /// on a pseudo-terminal pair (or TCP).
    /// </summary>
    [TestClass]
    public class AcceptanceTests
    {
        [TestMethod]
        public async Task A_meter_3_percent_fast_fails_every_pf1_point_and_passes_every_point_after_calibration()
        {
            string directory = TestBench.NewDirectory("fast");
            try
            {
                await using EmulatedBench bench = await EmulatedBench.StartAsync(new EmulatedBenchOptions
                {
                    WorkDirectory = directory,
                    Dut = DutChannel.Mqtt,
                    Link = ReferenceLink.Rtu,
                    MeterError = new MetrologyErrorModel { GainError = 0.03 },
                }, TestBench.Timeout());
                TestPlan plan = DefaultPlan.Create(bench.Options.Ratings);
                SessionResult session = await BenchSession.RunAsync(plan, bench.Reference, bench.Meter, bench.Source, bench.Clock, NoProgress.Instance, true, null, TestBench.Timeout());

                BenchRun before = session.Runs[0];
                BenchRun after = session.Runs[1];
                var pf1 = before.Points.Where(p => p.Point.Kind == PointKind.Accuracy && p.Load.LoadAngleDegrees == 0).ToList();
                Assert.AreEqual(5, pf1.Count);
                foreach (PointResult p in pf1)
                {
                    Assert.AreEqual(PointOutcome.Fail, p.JudgementFor("CoP11")!.Outcome, $"{p.Point.Id}: {p.ErrorPercent} % ± {p.Budget?.ExpandedPercent}");
                    Assert.AreEqual(2.92, p.ErrorPercent!.Value, 0.15, p.Point.Id + ": 3 % fast against a reference 0.08 % fast");
                }

                foreach (PointResult p in after.Points)
                {
                    Assert.AreEqual(PointOutcome.Pass, p.Outcome, $"{p.Point.Id} after calibration: {p.ErrorPercent} % {p.Failure}");
                }

                Assert.AreEqual(0, before.Meter.CalibrationVersion);
                Assert.AreEqual(1, after.Meter.CalibrationVersion);
                Assert.AreEqual(1.03 / 1.0008, session.Calibration!.Fit.Gain, 0.001, session.Calibration.Fit.ToString());
                Assert.AreEqual("FAIL", BenchReport.Overall(before));
                Assert.AreEqual("PASS", BenchReport.Overall(after));
                StringAssert.Contains(session.Calibration.MeterAnswer, "\"result\":\"ok\"");

                RecomputeFromRawReadings(session.Runs, bench.Registration!);

                string output = Path.Combine(directory, "report");
                ReportDocument doc = BenchReport.Build(session.Runs, session.Calibration, true, "test");
                (string markdown, string html) = BenchReport.Write(output, doc, "report");
                string md = File.ReadAllText(markdown);
                foreach (string expected in new[] { "Results: as found", "Results: after calibration", "AMSID-BENCH-IMP-1", "23010417", "am-bench-1", "| Calibration version | as found: 0, after calibration: 1 |", "## Raw readings", "OCMF|{" })
                {
                    StringAssert.Contains(md, expected);
                }

                string page = File.ReadAllText(html);
                Assert.AreEqual(3, Regex.Matches(page, "src=\"data:image/png;base64,").Count, "one plot per power factor, embedded");
                foreach (string png in Directory.GetFiles(output, "*.png"))
                {
                    byte[] bytes = File.ReadAllBytes(png);
                    CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4], png);
                }
            }
            finally
            {
                TestBench.Delete(directory);
            }
        }

        [TestMethod]
        public async Task A_phase_error_that_passes_at_pf1_fails_at_pf_half_lag_and_the_phase_fit_removes_it()
        {
            string directory = TestBench.NewDirectory("phase");
            try
            {
                await using EmulatedBench bench = await EmulatedBench.StartAsync(new EmulatedBenchOptions
                {
                    WorkDirectory = directory,
                    Dut = DutChannel.Mqtt,
                    Link = ReferenceLink.Tcp,
                    MeterError = new MetrologyErrorModel { PhaseErrorDegrees = 1.5 },
                }, TestBench.Timeout());
                TestPlan plan = DefaultPlan.Create(bench.Options.Ratings);
                plan.Points = plan.Points.Where(p => p.Id is "P02" or "P05" or "P06" or "P10").ToList();
                plan.Points[0].Repetitions = 1;
                SessionResult session = await BenchSession.RunAsync(plan, bench.Reference, bench.Meter, bench.Source, bench.Clock, NoProgress.Instance, true, null, TestBench.Timeout());

                BenchRun before = session.Runs[0];
                Assert.AreEqual(PointOutcome.Pass, Point(before, "P02").Outcome, "PF 1 hardly sees a phase error");
                Assert.AreEqual(PointOutcome.Pass, Point(before, "P05").Outcome);
                Assert.AreEqual(PointOutcome.Fail, Point(before, "P06").Outcome, "PF 0.5 lag: cos(61.5°)/cos(60°) - 1 = -4.6 %");
                Assert.AreEqual(-4.55, Point(before, "P06").ErrorPercent!.Value, 0.15);
                Assert.AreEqual(1.5, session.Calibration!.Fit.PhaseErrorDegrees, 0.05, session.Calibration.Fit.ToString());
                foreach (PointResult p in session.Runs[1].Points)
                {
                    Assert.AreEqual(PointOutcome.Pass, p.Outcome, $"{p.Point.Id} after calibration: {p.ErrorPercent} %");
                }

                Assert.AreEqual(0.0, Point(session.Runs[1], "P06").ErrorPercent!.Value, 0.2);
            }
            finally
            {
                TestBench.Delete(directory);
            }
        }

        [TestMethod]
        public async Task A_meter_that_counts_at_no_load_fails_the_creep_test_and_one_that_does_not_start_fails_the_starting_test()
        {
            var plan = DefaultPlan.Create();
            plan.Points = plan.Points.Where(p => p.Kind != PointKind.Accuracy).ToList();
            plan.Points.Single(p => p.Kind == PointKind.Creep).DwellSeconds = 300;

            BenchRun ideal = await RunAsync(plan, MetrologyErrorModel.Ideal);
            Assert.AreEqual(PointOutcome.Pass, Point(ideal, "S01").Outcome, Point(ideal, "S01").JudgementFor("Starting")!.Reason);
            Assert.AreEqual(PointOutcome.Pass, Point(ideal, "N01").Outcome);
            Assert.AreEqual(0.0, Point(ideal, "N01").MeterWattHours);

            // 8 W of crosstalk at Un (10.6 W at 1.15 Un) is above the ADE7953's 3.8 W no-load threshold: it creeps.
            BenchRun creeping = await RunAsync(plan, new MetrologyErrorModel { NoLoadWatts = 8 });
            Assert.AreEqual(PointOutcome.Fail, Point(creeping, "N01").Outcome);
            Assert.AreEqual(8 * 1.15 * 1.15 * 300 / 3600.0, Point(creeping, "N01").MeterWattHours, 0.05);

            // An offset of -6 W leaves 3.2 W at the starting current, below the threshold: the meter never starts.
            BenchRun stuck = await RunAsync(plan, new MetrologyErrorModel { OffsetWatts = -6 });
            Assert.AreEqual(PointOutcome.Fail, Point(stuck, "S01").Outcome);
            Assert.AreEqual(0.0, Point(stuck, "S01").MeterWattHours);
        }

        [TestMethod]
        public async Task Pulse_inputs_measure_the_same_error_as_the_registers()
        {
            var plan = DefaultPlan.Create();
            plan.Points = plan.Points.Where(p => p.Id is "P01" or "P02").ToList();
            plan.Points[1].Repetitions = 1;
            BenchRun run = await RunAsync(plan, new MetrologyErrorModel { GainError = 0.03 }, DutChannel.Pulses, ReferenceLink.Pulses);
            foreach (PointResult p in run.Points)
            {
                Assert.AreEqual(PointOutcome.Fail, p.Outcome);
                Assert.AreEqual(2.92, p.ErrorPercent!.Value, 0.15);
                StringAssert.Contains(p.Repetitions[0].MeterEnd.Raw, "pulses at 3200 imp/kWh");
                Assert.IsTrue(p.MeterWattHours >= 25 * 1000.0 / 3200, "at least 25 pulses of the meter's test output");

                // One pulse of the meter is 312.5 mWh: the dwell grows until that step is a small part of the budget.
                Assert.IsTrue(p.Budget!.ExpandedPercent < 0.5, p.DwellReason);
            }
        }

        private static async Task<BenchRun> RunAsync(TestPlan plan, MetrologyErrorModel error, DutChannel dut = DutChannel.Ic, ReferenceLink link = ReferenceLink.Tcp)
        {
            string directory = TestBench.NewDirectory("run");
            try
            {
                await using EmulatedBench bench = await EmulatedBench.StartAsync(new EmulatedBenchOptions { WorkDirectory = directory, Dut = dut, Link = link, MeterError = error }, TestBench.Timeout());
                plan.Meter = bench.Options.Ratings;
                return await new BenchRunner(plan, bench.Reference, bench.Meter, bench.Source, bench.Clock).RunAsync("test", TestBench.Timeout());
            }
            finally
            {
                TestBench.Delete(directory);
            }
        }

        private static PointResult Point(BenchRun run, string id) => run.Points.Single(p => p.Point.Id == id);

        // What a third party does with the report's raw readings: verify each signed record with the meter's key,
        // take the registers, and recompute every energy and error.
        private static void RecomputeFromRawReadings(List<BenchRun> runs, AssetMeter.Collector.Registry.MeterRegistration meter)
        {
            using var signature = new RecordSignature();
            foreach (BenchRun run in runs)
            {
                foreach (PointResult p in run.Points.Where(p => p.Point.Kind == PointKind.Accuracy))
                {
                    double reference = 0;
                    long meterMilliwattHours = 0;
                    foreach (Repetition r in p.Repetitions)
                    {
                        reference += ReferenceWattHours(r.ReferenceEnd.Raw) - ReferenceWattHours(r.ReferenceStart.Raw);
                        meterMilliwattHours += Register(r.MeterEnd.Raw, signature, meter) - Register(r.MeterStart.Raw, signature, meter);
                    }

                    double error = 100.0 * ((meterMilliwattHours / 1000.0) - reference) / reference;
                    Assert.AreEqual(p.ErrorPercent!.Value, error, 1e-6, p.Point.Id);
                }
            }
        }

        private static double ReferenceWattHours(string raw)
        {
            // "FC04 0x0048 = 3F8C 0000 -> ..." : the value from the register words themselves.
            Match m = Regex.Match(raw, @"= ([0-9A-F]{4}) ([0-9A-F]{4}) ->");
            ushort first = Convert.ToUInt16(m.Groups[1].Value, 16);
            ushort second = Convert.ToUInt16(m.Groups[2].Value, 16);
            return BitConverter.Int32BitsToSingle((first << 16) | second) * 1000.0;
        }

        private static long Register(string record, RecordSignature signature, AssetMeter.Collector.Registry.MeterRegistration meter)
        {
            OcmfEnvelope envelope = OcmfEnvelope.TryParse(Encoding.ASCII.GetBytes(record), out string error) ?? throw new AssertFailedException(error);
            Assert.IsNull(signature.Verify(meter, envelope), "the raw record verifies");
            return MeterRecord.TryParse(envelope.Payload, out error)!.ImportEndMilliwattHours;
        }
    }
}
