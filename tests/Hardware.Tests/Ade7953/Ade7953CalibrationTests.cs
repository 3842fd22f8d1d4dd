using System;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests
{
    using AssetMeter.Hardware.Ade7953;

    /// <summary>Calibration records on the ADE7953: encodings, round trip through storage and the chip, and refusal of bad records.</summary>
    [TestClass]
    public class Ade7953CalibrationTests
    {
        [TestMethod]
        public void Corrections_map_onto_AWGAIN_PHCALA_and_AWATTOS()
        {
            var correction = new CalibrationCorrection { GainFactor = 1.0 / 1.05, PhaseDegrees = -2.0, OffsetWatts = -1.5 };
            var driver = new Ade7953(new Ade7953Emulator(new LoadScenario(1), MetrologyErrorModel.Ideal), ImmediateDriverClock.Instance);

            var record = driver.Corrected(Ade7953Calibration.Nominal(7), 0, correction);

            Assert.AreEqual(8, record.Version);
            Assert.AreEqual(Ade7953Calibration.PartCode, record.PartCode);
            Assert.AreEqual((int)Math.Round(0x400000 / 1.05), Ade7953Calibration.ValueOf(record, Ade7953Register.ActivePowerGainA)); // 0x3CF3CF
            Assert.AreEqual(0x200 | 99, Ade7953Calibration.ValueOf(record, Ade7953Register.PhaseCalibrationA), "advance by 99 x 1.117 us = 1.99 degrees at 50 Hz");
            Assert.AreEqual(-97_989, Ade7953Calibration.ValueOf(record, Ade7953Register.ActivePowerOffsetA), "-1.5 W / 7.838 mW x 512");
            Assert.AreEqual(0x400000, Ade7953Calibration.ValueOf(record, Ade7953Register.CurrentGainA), "untouched");
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => driver.Corrected(record, 1, correction));
        }

        [TestMethod]
        public void Phase_encoding_is_sign_magnitude_and_round_trips_to_a_fiftieth_of_a_degree()
        {
            Assert.AreEqual(0, Ade7953Calibration.EncodePhase(0.0, 50));
            Assert.AreEqual(50, Ade7953Calibration.EncodePhase(1.0, 50), "delay: sign bit clear");
            Assert.AreEqual(0x200 | 50, Ade7953Calibration.EncodePhase(-1.0, 50), "advance: sign bit set");
            Assert.AreEqual(383, Ade7953Calibration.EncodePhase(7.70, 50));
            Assert.AreEqual(Ade7953Calibration.OutOfRangePhase, Ade7953Calibration.EncodePhase(8.0, 50), "beyond 7.66 degrees");
            for (double degrees = -7.6; degrees <= 7.6; degrees += 0.37)
            {
                Assert.AreEqual(degrees, Ade7953Calibration.DecodePhase(Ade7953Calibration.EncodePhase(degrees, 50), 50), 0.0101);
            }
        }

        [TestMethod]
        public void A_calibration_applied_to_the_chip_survives_storage_and_a_restart()
        {
            var bench = new Ade7953Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            var correction = new CalibrationCorrection { GainFactor = 0.98, PhaseDegrees = 0.5, OffsetWatts = 0.25 };
            var record = bench.Driver.Corrected(bench.Driver.Calibration, 0, correction);

            Assert.AreEqual(IcStatus.Ok, bench.Driver.ApplyCalibration(record));
            Assert.AreSame(record, bench.Driver.Calibration);
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
            Assert.AreEqual(Ade7953Calibration.ValueOf(record, Ade7953Register.ActivePowerGainA), bench.Chip.Peek(Ade7953Register.ActivePowerGainA));
            Assert.AreEqual(Ade7953Calibration.ValueOf(record, Ade7953Register.PhaseCalibrationA), bench.Chip.Peek(Ade7953Register.PhaseCalibrationA));
            Assert.AreEqual(Ade7953Calibration.ValueOf(record, Ade7953Register.ActivePowerOffsetA) & 0xFFFFFF, bench.Chip.Peek(Ade7953Register.ActivePowerOffsetA));
            Assert.AreEqual(Ade7953Bits.WriteProtectAll, bench.Chip.Peek(Ade7953Register.WriteProtect), "protected again");

            byte[] stored = record.ToBytes();
            var restored = CalibrationRecord.ReadFrom(stored, 0, stored.Length);
            Assert.IsNotNull(restored);
            Assert.IsTrue(record.SameRegistersAs(restored));
            Assert.AreEqual(record.Version, restored.Version);

            // After a power cycle the restored record goes back on the chip at start.
            bench.Chip.PowerDown();
            bench.Chip.PowerUp();
            var driver = new Ade7953(bench.Chip, bench.Clock, restored, Ade7953EnergyMode.Accumulating);
            bench.Chip.Advance(0.1);
            Assert.AreEqual(IcStatus.Ok, driver.Start());
            Assert.AreEqual(Ade7953Calibration.ValueOf(record, Ade7953Register.PhaseCalibrationA), bench.Chip.Peek(Ade7953Register.PhaseCalibrationA));
            Assert.AreEqual(bench.Driver.ExpectedChecksum, driver.ExpectedChecksum);
        }

        [TestMethod]
        public void A_tampered_stored_record_is_refused_before_it_reaches_the_driver()
        {
            var record = Ade7953Calibration.Nominal(3);
            record.Set(Ade7953Register.ActivePowerGainA, 0x3F8000);
            byte[] stored = record.ToBytes();

            for (int i = 0; i < stored.Length; i++)
            {
                byte[] tampered = (byte[])stored.Clone();
                tampered[i] ^= 0x10;
                Assert.IsNull(CalibrationRecord.ReadFrom(tampered, 0, tampered.Length), "byte " + i);
            }
        }

        [TestMethod]
        public void A_record_for_another_part_or_with_impossible_values_is_refused_and_nothing_is_written()
        {
            var bench = new Ade7953Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            uint checksum = (uint)bench.Chip.Peek(Ade7953Register.Checksum);

            var otherPart = new CalibrationRecord(0x32, 1);
            otherPart.Set(Ade7953Register.ActivePowerGainA, 0x400000);
            Assert.AreEqual(IcStatus.InvalidCalibration, bench.Driver.ApplyCalibration(otherPart));
            Assert.AreEqual(-1, bench.Driver.LastFault.Register);

            var tooMuchGain = Ade7953Calibration.Nominal(1);
            tooMuchGain.Set(Ade7953Register.ActivePowerGainA, 0x700000);
            Assert.AreEqual(IcStatus.InvalidCalibration, bench.Driver.ApplyCalibration(tooMuchGain));
            Assert.AreEqual(Ade7953Register.ActivePowerGainA, bench.Driver.LastFault.Register);

            var phaseTooLarge = Ade7953Calibration.Nominal(1);
            phaseTooLarge.Set(Ade7953Register.PhaseCalibrationA, Ade7953Calibration.OutOfRangePhase);
            Assert.AreEqual(IcStatus.InvalidCalibration, bench.Driver.ApplyCalibration(phaseTooLarge));

            var foreignRegister = Ade7953Calibration.Nominal(1);
            foreignRegister.Set(Ade7953Register.Config, 0);
            Assert.AreEqual(IcStatus.InvalidCalibration, bench.Driver.ApplyCalibration(foreignRegister));
            Assert.AreEqual(Ade7953Register.Config, bench.Driver.LastFault.Register);

            Assert.AreEqual(IcStatus.InvalidCalibration, bench.Driver.ApplyCalibration(null!));
            Assert.AreEqual(checksum, (uint)bench.Chip.Peek(Ade7953Register.Checksum), "the chip is untouched");
            Assert.AreEqual(0, bench.Driver.Calibration.Version);
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
        }

        [TestMethod]
        public void The_emulator_decodes_the_registers_as_the_datasheet_describes()
        {
            // Independent of the driver's encoder: 1% more AWGAIN reads 1% more power, 50 LSBs of PHCALA delay the
            // current by 55.9 us (1.006 degrees at 50 Hz), 512 LSBs of AWATTOS add one AWATT LSB.
            var scenario = new LoadScenario(1);
            var chip = new Ade7953Emulator(scenario, MetrologyErrorModel.Ideal);
            scenario.From(0, new PhaseLoad(230, 10, 60));
            chip.Advance(1);
            double nominal = ActivePowerWatts(chip);

            chip.Poke(Ade7953Register.OptimumSetting, 0x30);
            chip.Advance(1);
            Assert.AreEqual(1150.0, ActivePowerWatts(chip), 0.01);
            chip.Poke(Ade7953Register.ActivePowerGainA, (int)Math.Round(0x400000 * 1.01));
            chip.Advance(1);
            Assert.AreEqual(1150.0 * 1.01, ActivePowerWatts(chip), 0.01);
            chip.Poke(Ade7953Register.ActivePowerGainA, 0x400000);
            chip.Poke(Ade7953Register.PhaseCalibrationA, 50);
            chip.Advance(1);
            Assert.AreEqual(2300.0 * Math.Cos((60 + (50 * 4 / 3.58e6 * 50 * 360)) * Math.PI / 180), ActivePowerWatts(chip), 0.01);
            chip.Poke(Ade7953Register.PhaseCalibrationA, 0);
            chip.Poke(Ade7953Register.ActivePowerOffsetA, 512 * 1000);
            chip.Advance(1);
            Assert.AreEqual(1150.0 + (1000 * 38109.756 / 4862401), ActivePowerWatts(chip), 0.01);
            Assert.AreEqual(1150.0 * (1 + Ade7953Emulator.MissingOptimumSettingGainError), nominal, 0.01, "without 0x120 = 0x30");
        }

        private static double ActivePowerWatts(Ade7953Emulator chip)
        {
            int raw = chip.Peek(Ade7953Register.ActivePowerA);
            raw = (raw & 0x800000) != 0 ? raw - 0x1000000 : raw;
            return raw * 38109.756097561 / 4862401;
        }
    }
}
