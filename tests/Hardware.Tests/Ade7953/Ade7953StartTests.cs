using System;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Energy;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests
{
    using AssetMeter.Hardware.Ade7953;

    /// <summary>Start-up, identity, configuration checks and health of the ADE7953 driver against its emulator.</summary>
    [TestClass]
    public class Ade7953StartTests
    {
        [TestMethod]
        public void Start_writes_the_required_setting_the_configuration_and_the_calibration_and_verifies_them()
        {
            var bench = new Ade7953Bench();

            Assert.AreEqual(IcStatus.Ok, bench.Start());

            var chip = bench.Chip;
            Assert.AreEqual(0x30, chip.Peek(Ade7953Register.OptimumSetting), "0x120 optimum setting");
            Assert.AreEqual(0x00, chip.Peek(Ade7953Register.LineCycleMode), "RSTREAD cleared: accumulating");
            Assert.AreEqual(Ade7953.ConfigValue, chip.Peek(Ade7953Register.Config), "HPF, CRC, interface locked");
            Assert.AreEqual(Ade7953Bits.WriteProtectAll, chip.Peek(Ade7953Register.WriteProtect));
            Assert.AreEqual(0, chip.Peek(Ade7953Register.NoLoadDisable), "no-load detection on: no creep");
            Assert.AreEqual(Ade7953FrontEnd.ActivePowerNoLoadValue, chip.Peek(Ade7953Register.ActivePowerNoLoad));
            Assert.AreEqual(Ade7953Bits.UnityGain, chip.Peek(Ade7953Register.ActivePowerGainA));
            Assert.AreEqual(0, chip.Peek(Ade7953Register.InterruptStatusA) & Ade7953Bits.ResetInterrupt, "RESET flag serviced");
            Assert.AreEqual(bench.Driver.ExpectedChecksum, (uint)chip.Peek(Ade7953Register.Checksum), "CRC as the driver computed it");
            Assert.AreEqual(Ade7953Emulator.SiliconVersion, bench.Driver.SiliconVersion);
            Assert.IsFalse(bench.Driver.LastStartWasWarm);
            Assert.AreEqual(0, bench.Driver.VerifyRetries);
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
        }

        [TestMethod]
        public void Start_answers_NotResponding_when_nothing_acknowledges()
        {
            var driver = new Ade7953(new SilentBus(BusStatus.NotAcknowledged), ImmediateDriverClock.Instance);

            Assert.AreEqual(IcStatus.NotResponding, driver.Start());
            Assert.AreEqual(IcStatus.NotResponding, driver.LastFault.Status);
            Assert.AreEqual(Ade7953Register.Version, driver.LastFault.Register);
        }

        [TestMethod]
        public void Start_answers_NotResponding_for_a_device_that_is_not_an_ADE7953()
        {
            // Something else at 0x38 that acknowledges and returns the same bytes whatever is asked.
            var driver = new Ade7953(new SilentBus(BusStatus.Ok), ImmediateDriverClock.Instance);

            Assert.AreEqual(IcStatus.NotResponding, driver.Start());
            Assert.AreEqual(IcStatus.NotResponding, driver.ReadEnergy(new EnergyReading()), "no reading before a successful start");
        }

        [TestMethod]
        public void CheckHealth_reports_ChecksumMismatch_when_a_register_outside_the_drivers_set_changes()
        {
            var bench = new Ade7953Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());

            bench.Chip.Poke(Ade7953Register.Cf1Denominator, 0x0040);

            Assert.AreEqual(IcStatus.ChecksumMismatch, bench.Driver.CheckHealth());
            Assert.AreEqual(Ade7953Register.Checksum, bench.Driver.LastFault.Register);
            Assert.AreEqual(bench.Driver.ExpectedChecksum, (uint)bench.Driver.LastFault.Expected);
        }

        [TestMethod]
        public void CheckHealth_reports_ChecksumMismatch_and_the_register_when_a_calibration_register_changes()
        {
            var bench = new Ade7953Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());

            bench.Chip.Poke(Ade7953Register.ActivePowerGainA, 0x410000);

            Assert.AreEqual(IcStatus.ChecksumMismatch, bench.Driver.CheckHealth());
            Assert.AreEqual(Ade7953Register.ActivePowerGainA, bench.Driver.LastFault.Register);
            Assert.AreEqual(0x400000, bench.Driver.LastFault.Expected);
            Assert.AreEqual(0x410000, bench.Driver.LastFault.Actual);
            Assert.AreEqual(IcStatus.Ok, bench.Driver.Start(), "a restart rewrites the configuration");
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
        }

        [TestMethod]
        public void CheckHealth_reports_ChipReset_after_the_chip_restarts_by_itself()
        {
            var bench = new Ade7953Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            bench.Chip.Advance(1);

            bench.Chip.SpontaneousReset();
            bench.Chip.Advance(0.5);

            Assert.AreEqual(IcStatus.ChipReset, bench.Driver.CheckHealth());
            Assert.AreEqual(1, bench.Driver.ChipResetsDetected);
        }

        [TestMethod]
        public void A_second_start_on_a_configured_chip_is_warm_and_keeps_the_energy_register()
        {
            var bench = new Ade7953Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            bench.Load(Ade7953Bench.At(10, 1.0, true, false));
            bench.Run(10);
            int before = bench.Chip.Peek(Ade7953Register.ActiveEnergyA);
            int resets = bench.Chip.Resets;

            // The microcontroller restarts; the chip does not.
            var rebooted = new Ade7953(bench.Chip, bench.Clock);
            Assert.AreEqual(IcStatus.Ok, rebooted.Start());

            Assert.IsTrue(rebooted.LastStartWasWarm);
            Assert.AreEqual(before, bench.Chip.Peek(Ade7953Register.ActiveEnergyA), "AENERGYA kept counting");
            Assert.AreEqual(resets, bench.Chip.Resets, "no reset");
        }

        [TestMethod]
        public void A_start_with_another_calibration_is_cold()
        {
            var bench = new Ade7953Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            var other = Ade7953Calibration.Nominal(1);
            other.Set(Ade7953Register.ActivePowerGainA, 0x410000);

            var rebooted = new Ade7953(bench.Chip, bench.Clock, other, Ade7953EnergyMode.Accumulating);
            Assert.AreEqual(IcStatus.Ok, rebooted.Start());

            Assert.IsFalse(rebooted.LastStartWasWarm);
            Assert.AreEqual(0x410000, bench.Chip.Peek(Ade7953Register.ActivePowerGainA));
        }

        [TestMethod]
        public void The_driver_and_the_emulator_compute_the_same_checksum_for_any_calibration()
        {
            var random = new Random(11);
            for (int i = 0; i < 50; i++)
            {
                var record = Ade7953Calibration.Nominal(i);
                record.Set(Ade7953Register.CurrentGainA, random.Next(Ade7953Calibration.MinimumGain, Ade7953Calibration.MaximumGain));
                record.Set(Ade7953Register.VoltageGain, random.Next(Ade7953Calibration.MinimumGain, Ade7953Calibration.MaximumGain));
                record.Set(Ade7953Register.ActivePowerGainA, random.Next(Ade7953Calibration.MinimumGain, Ade7953Calibration.MaximumGain));
                record.Set(Ade7953Register.PhaseCalibrationA, random.Next(0, 384) | (random.Next(2) * Ade7953Bits.PhaseAdvance));
                record.Set(Ade7953Register.ActivePowerOffsetA, random.Next(-0x800000, 0x800000));
                var bench = new Ade7953Bench(calibration: record, mode: i % 2 == 0 ? Ade7953EnergyMode.Accumulating : Ade7953EnergyMode.ReadWithReset);

                Assert.AreEqual(IcStatus.Ok, bench.Start(), "start " + i);
                Assert.AreEqual(bench.Driver.ExpectedChecksum, (uint)bench.Chip.Peek(Ade7953Register.Checksum), "CRC " + i);
            }
        }

        [TestMethod]
        public void The_emulated_checksum_with_every_register_at_its_default_is_the_datasheets()
        {
            var chip = new Ade7953Emulator(new LoadScenario(1), MetrologyErrorModel.Ideal);
            Assert.AreEqual(unchecked((int)0xFFFFFFFF), chip.Peek(Ade7953Register.Checksum), "CRC disabled at reset");

            chip.Poke(Ade7953Register.Config, 0x8004 | Ade7953Bits.CrcEnable);

            Assert.AreEqual(Ade7953Checksum.DefaultValue, (uint)chip.Peek(Ade7953Register.Checksum));
        }

        [TestMethod]
        public void The_energy_scale_matches_the_emulated_front_end_and_allows_one_second_polling_at_100_kW()
        {
            var scale = new Ade7953(new SilentBus(BusStatus.Ok), ImmediateDriverClock.Instance).Scale;
            double microwattHours = (double)scale.MicrowattHoursPerCountNumerator / scale.MicrowattHoursPerCountDenominator;

            Assert.AreEqual(Ade7953Emulator.WattHoursPerCount * 1e6, microwattHours, 1e-9);
            Assert.AreEqual(51.165, microwattHours, 0.001);
            long interval = PollSchedule.IntervalTicks(RegisterKind.Signed24Accumulating, scale, EnergyDeltaDecoder.Type5MaximumDemandWatts, 10_000_000);
            Assert.AreEqual(10_000_000, interval, "one second is within a quarter of the 15.5 s the register takes to fill at 100 kW");
        }

        /// <summary>A bus with no ADE7953 on it: every transfer gives the same status and reads 0x5A bytes.</summary>
        private sealed class SilentBus : IBusDevice
        {
            private readonly BusStatus _status;

            public SilentBus(BusStatus status) => _status = status;

            public BusStatus Write(byte[] buffer, int offset, int count) => _status;

            public BusStatus Read(byte[] buffer, int offset, int count)
            {
                Array.Fill(buffer, (byte)0x5A, offset, count);
                return _status;
            }

            public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount) =>
                Read(readBuffer, readOffset, readCount);
        }
    }
}
