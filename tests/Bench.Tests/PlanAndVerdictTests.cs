using System;
using System.Linq;
using AssetMeter.Bench.Measurement;
using AssetMeter.Bench.Plan;
using AssetMeter.Bench.Reference;
using AssetMeter.Bench.Run;
using AssetMeter.Metrology.Accuracy;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Bench.Tests
{
    [TestClass]
    public class PlanAndVerdictTests
    {
        private static readonly Config Many = Config.QuickThrowOnFailure.WithMaxTest(3000);

        [TestMethod]
        public void Default_plan_holds_the_table_2_and_class_1_points_and_survives_its_file()
        {
            TestPlan plan = DefaultPlan.Create();
            string json = PlanFile.ToJson(plan);
            TestPlan back = PlanFile.FromJson(json);
            Assert.AreEqual(json, PlanFile.ToJson(back));

            var loads = back.Points.Select(p => (p.Kind, Load: LoadSetting.Of(p, back.Meter))).ToList();
            Assert.IsTrue(loads.Any(l => l.Kind == PointKind.Accuracy && l.Load.CurrentRms == 63 && l.Load.LoadAngleDegrees == 0), "Imax PF 1");
            Assert.IsTrue(loads.Any(l => l.Kind == PointKind.Accuracy && l.Load.CurrentRms == 10 && l.Load.LoadAngleDegrees == 0), "Ib PF 1");
            Assert.IsTrue(loads.Any(l => l.Kind == PointKind.Accuracy && Math.Abs(l.Load.CurrentRms - 0.5) < 1e-9 && l.Load.LoadAngleDegrees == 0), "5 % Ib PF 1");
            Assert.IsTrue(loads.Any(l => l.Kind == PointKind.Accuracy && l.Load.CurrentRms == 10 && Math.Abs(l.Load.LoadAngleDegrees - 60) < 1e-9), "Ib PF 0.5 lag");
            Assert.IsTrue(loads.Any(l => l.Kind == PointKind.Accuracy && Math.Abs(l.Load.LoadAngleDegrees + 36.8699) < 1e-3), "PF 0.8 lead (class 1)");
            Assert.IsTrue(loads.Any(l => l.Kind == PointKind.Starting && Math.Abs(l.Load.CurrentRms - 0.04) < 1e-9), "starting current 0.004 Ib");
            Assert.IsTrue(loads.Any(l => l.Kind == PointKind.Creep && Math.Abs(l.Load.VoltageRms - 264.5) < 1e-9 && l.Load.CurrentRms == 0), "no load at 115 % Un");
            Assert.IsTrue(back.Points.Where(p => p.Kind == PointKind.Accuracy).All(p => p.Type5 && p.Class1Percent != null));
        }

        [TestMethod]
        public void A_plan_file_with_a_mistake_says_where()
        {
            TestPlan plan = DefaultPlan.Create();
            plan.Points[0].PowerFactor = "0.5 sideways";
            StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => PlanFile.FromJson(PlanFile.ToJson(plan))).Message, "sideways");
            StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => PlanFile.FromJson("{\"nmae\":\"x\"}")).Message, "nmae");
            plan = DefaultPlan.Create();
            plan.Points[1].Id = plan.Points[0].Id;
            StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => plan.Validate()).Message, "used twice");
        }

        [TestMethod]
        public void A_verdict_never_passes_an_error_outside_the_limits_nor_a_measurement_coarser_than_a_fifth_of_the_limit()
        {
            Prop.ForAll(Gen.Choose(1, 2_000_000).ToArbitrary(), Gen.Choose(-100_000, 100_000).ToArbitrary(), Gen.Choose(0, 20_000).ToArbitrary(), (reference, errorPpm, uPpm) =>
            {
                long referenceMicrowattHours = reference * 1000L;
                long meter = referenceMicrowattHours + (referenceMicrowattHours * errorPpm / 1_000_000);
                double expanded = uPpm / 10000.0;
                Judgement j = Verdicts.Judge(LimitsOfError.CoP11Type5, meter, referenceMicrowattHours, expanded);
                double error = 100.0 * (meter - referenceMicrowattHours) / referenceMicrowattHours;
                if (j.Outcome == PointOutcome.Pass)
                {
                    Assert.IsTrue(error + expanded <= 2.5 + 1e-9 && error - expanded >= -3.5 - 1e-9, $"passed {error} % ± {expanded} %");
                    Assert.IsTrue(expanded <= 0.5 + 1e-9, "U above 1/5 of the 2.5 % limit cannot pass");
                }

                if (error > 2.5 + expanded + 1e-6 || error < -3.5 - expanded - 1e-6)
                {
                    Assert.AreEqual(PointOutcome.Fail, j.Outcome, $"{error} % ± {expanded} %");
                }
            }).Check(Many);
        }

        [TestMethod]
        public void Uncertainty_budget_adds_its_lines_in_quadrature()
        {
            var accuracy = new ReferenceAccuracy { ClassPercent = 0.5, CertificateUncertaintyPercentAtUnity = 0.2 };
            (double standard, string basis) = accuracy.At(1.0);
            Assert.AreEqual(0.1, standard, 1e-12);
            UncertaintyBudget budget = UncertaintyBudget.For(standard, basis, 100.0, 0.1, 0.001, 4, 0.2);

            // 0.1 %; 0.1 Wh x √4 / 100 Wh = 0.2 % triangular; 0.002 % triangular; 0.2 % / √4 = 0.1 % (type A).
            double expected = 2.0 * Math.Sqrt((0.1 * 0.1) + Math.Pow(0.2 / Math.Sqrt(6), 2) + Math.Pow(0.002 / Math.Sqrt(6), 2) + (0.1 * 0.1));
            Assert.AreEqual(expected, budget.ExpandedPercent, 1e-9);
            Assert.AreEqual(0.5 / Math.Sqrt(3) * 1.2, new ReferenceAccuracy { ClassPercent = 0.5 }.At(0.5).StandardPercent, 1e-12, "class bound, rectangular, widened at PF 0.5");
        }

        [TestMethod]
        public void Dwell_meets_the_minimum_time_pulses_and_resolution_and_never_exceeds_the_maximum()
        {
            TestPlan plan = DefaultPlan.Create();
            TestPoint low = plan.Points.Single(p => p.Id == "P05");
            LoadSetting load = LoadSetting.Of(low, plan.Meter);
            (double seconds, string reason) = DwellPlanner.Dwell(plan, low, load, 0.1, 0.1, false, 0.001, false, 0);
            double energy = load.ActivePowerWatts * seconds / 3600.0;
            Assert.IsTrue(Math.Sqrt((0.1 * 0.1) + 1e-6) / energy <= 0.0005 + 1e-9, reason);
            (seconds, reason) = DwellPlanner.Dwell(plan, low, load, 0.1, 0.001, false, 1000.0 / 3200, true, 0);
            Assert.IsTrue(load.ActivePowerWatts * seconds / 3600.0 >= 25 * 1000.0 / 3200 - 1e-9, "25 pulses of the meter: " + reason);
            (seconds, reason) = DwellPlanner.Dwell(plan, low, load, 0.1, 100.0, false, 0.001, false, 0);
            Assert.AreEqual(plan.Defaults.MaximumSeconds, seconds, reason);
            StringAssert.Contains(reason, "capped");
        }
    }
}
