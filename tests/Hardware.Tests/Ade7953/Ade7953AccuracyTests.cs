using System;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Accuracy;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests
{
    using AssetMeter.Hardware.Ade7953;

    /// <summary>
    /// Acceptance at the CoP11 Type 5 test points (5% Ib, 10% Ib, Ib, Imax; PF 1, 0.5 inductive, 0.8 capacitive;
    /// import and export), with Ib = 10 A and Imax = 63 A on the reference front end.
    /// </summary>
    [TestClass]
    public class Ade7953AccuracyTests
    {
        /// <summary>Simulated time per point for acceptance A: a day, read every second (86,400 reads per point).</summary>
        private const int AcceptanceASeconds = 24 * 3600;

        /// <summary>Measuring time per point for acceptance B (at least 100,000 counts at the smallest point).</summary>
        private const int AcceptanceBSeconds = 600;

        [TestMethod]
        [DataRow(0.5, 1.0, true, false)]
        [DataRow(0.5, 0.5, true, false)]
        [DataRow(0.5, 0.8, false, false)]
        [DataRow(0.5, 1.0, true, true)]
        [DataRow(0.5, 0.5, true, true)]
        [DataRow(0.5, 0.8, false, true)]
        [DataRow(1.0, 1.0, true, false)]
        [DataRow(1.0, 0.5, true, false)]
        [DataRow(1.0, 0.8, false, false)]
        [DataRow(1.0, 1.0, true, true)]
        [DataRow(1.0, 0.5, true, true)]
        [DataRow(1.0, 0.8, false, true)]
        [DataRow(10.0, 1.0, true, false)]
        [DataRow(10.0, 0.5, true, false)]
        [DataRow(10.0, 0.8, false, false)]
        [DataRow(10.0, 1.0, true, true)]
        [DataRow(10.0, 0.5, true, true)]
        [DataRow(10.0, 0.8, false, true)]
        [DataRow(63.0, 1.0, true, false)]
        [DataRow(63.0, 0.5, true, false)]
        [DataRow(63.0, 0.8, false, false)]
        [DataRow(63.0, 1.0, true, true)]
        [DataRow(63.0, 0.5, true, true)]
        [DataRow(63.0, 0.8, false, true)]
        public void Acceptance_A_a_nominal_chip_counts_the_true_energy_of_a_day_to_within_a_count(double amps, double powerFactor, bool inductive, bool export)
        {
            var bench = new Ade7953Bench(MetrologyErrorModel.Ideal);
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            bench.Load(Ade7953Bench.At(amps, powerFactor, inductive, export));
            bench.Step();

            bench.Run(AcceptanceASeconds);

            Assert.AreEqual(AcceptanceASeconds + 1, bench.Count(IcStatus.Ok), "every read succeeded");
            double trueWattHours = bench.TrueNetWattHours;
            double countedWattHours = bench.CountedNetWattHours;
            Assert.AreEqual(export, trueWattHours < 0, "direction");
            Assert.AreEqual(export ? 0 : bench.Import.MicrowattHours, bench.Import.MicrowattHours);
            Assert.AreEqual(export ? bench.Export.MicrowattHours : 0, bench.Export.MicrowattHours);

            // The brief allows one count per read; the meter does far better: one count in all (the fraction of a
            // count inside the chip at each end), whatever the number of reads.
            Assert.AreEqual(trueWattHours, countedWattHours, 2 * Ade7953Bench.CountWattHours,
                $"{amps} A PF {powerFactor}: true {trueWattHours:F6} Wh, counted {countedWattHours:F6} Wh");
        }

        [TestMethod]
        [DataRow(0.05, 1)]
        [DataRow(-0.05, 2)]
        public void Acceptance_B_a_chip_with_gain_phase_and_offset_errors_meets_half_the_Type_5_limits_once_calibrated(double gainError, int seed)
        {
            var error = new MetrologyErrorModel { GainError = gainError, PhaseErrorDegrees = 2.0, OffsetWatts = 1.5, NoiseWatts = 0.2 };
            var bench = new Ade7953Bench(error, seed: seed);
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            var rig = new EmulatedCalibrationRig(bench.Chip, bench.Driver);

            // Before calibration the chip is outside the limits at PF 1.
            rig.Apply(0, Ade7953FrontEnd.BasicCurrentAmps, 0.0);
            rig.Measure(60, out double referenceBefore, out double meterBefore);
            Assert.IsFalse(LimitsOfError.CoP11Type5.IsWithin(MicrowattHours(meterBefore), MicrowattHours(referenceBefore), 100));

            var procedure = new CalibrationProcedure(bench.Driver, rig, Ade7953FrontEnd.BasicCurrentAmps, 60);
            Assert.AreEqual(IcStatus.Ok, procedure.Run(0));

            var calibration = bench.Driver.Calibration;
            Assert.AreEqual(4, calibration.Version, "four corrections applied");
            double gain = Ade7953Calibration.ValueOf(calibration, Ade7953Register.ActivePowerGainA) / (double)Ade7953Bits.UnityGain;
            Assert.AreEqual(1.0 / (1.0 + gainError), gain, 0.002, "AWGAIN undoes the gain error");
            Assert.AreEqual(-2.0, Ade7953Calibration.DecodePhase(Ade7953Calibration.ValueOf(calibration, Ade7953Register.PhaseCalibrationA), 50), 0.1, "PHCALA undoes the CT lag (the offset, found after it, biases it by 0.05 degrees)");
            Assert.AreEqual(-1.5, Ade7953Calibration.DecodeOffset(Ade7953Calibration.ValueOf(calibration, Ade7953Register.ActivePowerOffsetA)), 0.1, "AWATTOS undoes the offset");
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());

            foreach (double amps in new[] { 0.5, 1.0, 10.0, 63.0 })
            {
                foreach (var (powerFactor, inductive) in new[] { (1.0, true), (0.5, true), (0.8, false) })
                {
                    foreach (bool export in new[] { false, true })
                    {
                        rig.Apply(0, amps, Ade7953Bench.At(amps, powerFactor, inductive, export).LoadAngleDegrees);
                        rig.Measure(AcceptanceBSeconds, out double reference, out double meter);
                        long errorPpm = LimitsOfError.ErrorPpm(MicrowattHours(meter), MicrowattHours(reference));
                        Console.WriteLine($"{amps,5} A PF {powerFactor} {(inductive ? "ind" : "cap")} {(export ? "export" : "import")}: {errorPpm,6} ppm");
                        Assert.IsTrue(LimitsOfError.CoP11Type5.IsWithin(MicrowattHours(meter), MicrowattHours(reference), 50),
                            $"{amps} A PF {powerFactor} {(inductive ? "ind" : "cap")} {(export ? "export" : "import")}: error {errorPpm} ppm");
                    }
                }
            }
        }

        private static long MicrowattHours(double wattHours) => (long)Math.Round(wattHours * 1e6);
    }
}
