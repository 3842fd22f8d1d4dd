using System;
using System.Collections.Generic;
using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Accuracy;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests.Atm90e32
{
    /// <summary>
    /// The Type 5 test points: 5% Ib, 10% Ib, Ib and Imax, at PF 1, 0.5 inductive and 0.8 capacitive, importing
    /// and exporting, balanced on the three phases.
    /// </summary>
    [TestClass]
    public sealed class Atm90e32AccuracyTests
    {
        /// <summary>Simulated time per point in acceptance A: a whole day of one-second reads (about 0.7 s of test time per point).</summary>
        private const int NominalSeconds = 24 * 3600;

        /// <summary>Simulated time per point after calibration in acceptance B.</summary>
        private const int CalibratedSeconds = 600;

        public static IEnumerable<object[]> TestPoints
        {
            get
            {
                double[] currents = { 0.05 * Atm90e32ReferenceBoard.BasicCurrentAmps, 0.10 * Atm90e32ReferenceBoard.BasicCurrentAmps, Atm90e32ReferenceBoard.BasicCurrentAmps, Atm90e32ReferenceBoard.MaximumCurrentAmps };
                foreach (bool export in new[] { false, true })
                {
                    foreach (double current in currents)
                    {
                        yield return new object[] { current, 1.0, true, export };
                        yield return new object[] { current, 0.5, true, export };
                        yield return new object[] { current, 0.8, false, export };
                    }
                }
            }
        }

        /// <summary>
        /// Acceptance A: a nominally calibrated chip (ideal front end), read every second by the driver and the
        /// metrology core, counts the true energy to within two register counts over a simulated day (86,400 reads).
        /// </summary>
        [TestMethod]
        [DynamicData(nameof(TestPoints))]
        public void NominalChipCountsTheTrueEnergyAtEveryTestPoint(double current, double powerFactor, bool inductive, bool export)
        {
            var bench = Atm90e32EnergyTests.Started();
            bench.Run(1);
            var load = PhaseLoad.At(Atm90e32ReferenceBoard.NominalVolts, current, powerFactor, inductive, export);
            bench.Load(load);

            bench.Run(NominalSeconds);

            Assert.IsTrue(bench.Statuses.TrueForAll(s => s == IcStatus.Ok), "every read Ok");
            Assert.AreEqual(0, bench.Refused.Count, "no delta refused");
            double expected = 3 * load.ActivePowerWatts * NominalSeconds / 3600.0 * 1e6;
            if (export)
            {
                Assert.AreEqual(0, bench.Import.MicrowattHours);
                Assert.AreEqual(-expected, bench.TrueExportMicrowattHours, Math.Abs(expected) * 1e-9);
                Atm90e32EnergyTests.AssertCounted(bench.TrueExportMicrowattHours, bench.Export.MicrowattHours, bench);
            }
            else
            {
                Assert.AreEqual(0, bench.Export.MicrowattHours);
                Assert.AreEqual(expected, bench.TrueImportMicrowattHours, expected * 1e-9);
                Atm90e32EnergyTests.AssertCounted(bench.TrueImportMicrowattHours, bench.Import.MicrowattHours, bench);
            }
        }

        /// <summary>
        /// Acceptance B: a chip reading 5% high (or low), with a 2 degree CT phase error and a 1.5 W offset per phase,
        /// calibrated phase by phase by <see cref="CalibrationProcedure"/> on the emulated rig, then meets the Type 5
        /// limits with half of each limit to spare at every test point.
        /// </summary>
        [TestMethod]
        [DataRow(0.05)]
        [DataRow(-0.05)]
        public void CalibratedChipMeetsTheType5LimitsWithHalfTheMarginSpare(double gainError)
        {
            var model = new MetrologyErrorModel { GainError = gainError, PhaseErrorDegrees = 2.0, OffsetWatts = 1.5, NoiseWatts = 0.2 };
            var bench = Atm90e32EnergyTests.Started(model);
            var rig = new EmulatedCalibrationRig(bench.Chip, bench.Driver);
            var procedure = new CalibrationProcedure(bench.Driver, rig, Atm90e32ReferenceBoard.BasicCurrentAmps, 60);

            var before = Measure(bench, new PhaseLoad(230.0, Atm90e32ReferenceBoard.BasicCurrentAmps, 0.0), 60);
            Assert.IsFalse(LimitsOfError.CoP11Type5.IsWithin(before.Meter, before.Reference, 100), "uncalibrated, the chip is outside the limits");

            for (int phase = 0; phase < 3; phase++)
            {
                Assert.AreEqual(IcStatus.Ok, procedure.Run(phase), "calibration of phase " + phase);
            }

            Assert.AreEqual(12, bench.Driver.Calibration.Version, "four corrections per phase");
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
            foreach (object[] point in TestPoints)
            {
                var load = PhaseLoad.At(230.0, (double)point[0], (double)point[1], (bool)point[2], (bool)point[3]);
                var result = Measure(bench, load, CalibratedSeconds);
                long errorPpm = LimitsOfError.ErrorPpm(result.Meter, result.Reference);
                Assert.IsTrue(
                    LimitsOfError.CoP11Type5.IsWithin(result.Meter, result.Reference, 50),
                    $"{point[0]} A, PF {point[1]} {((bool)point[2] ? "ind" : "cap")} {((bool)point[3] ? "export" : "import")}: error {errorPpm} ppm");
            }
        }

        /// <summary>Counted and true energy (µWh) in the load's direction over <paramref name="seconds"/> of reads.</summary>
        private static (long Meter, long Reference) Measure(Atm90e32Bench bench, PhaseLoad load, int seconds)
        {
            bench.Load(load);
            bench.Run(2);
            long importStart = bench.Import.MicrowattHours;
            long exportStart = bench.Export.MicrowattHours;
            double trueImportStart = bench.TrueImportMicrowattHours;
            double trueExportStart = bench.TrueExportMicrowattHours;
            bench.Run(seconds);
            bool export = load.ActivePowerWatts < 0;
            return export
                ? (bench.Export.MicrowattHours - exportStart, (long)Math.Round(bench.TrueExportMicrowattHours - trueExportStart))
                : (bench.Import.MicrowattHours - importStart, (long)Math.Round(bench.TrueImportMicrowattHours - trueImportStart));
        }
    }
}
