using System;
using System.Linq;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Energy;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests
{
    using AssetMeter.Hardware.Ade7953;

    /// <summary>
    /// Every injected fault is detected, and the energy counted stays right: in accumulating mode a refused read
    /// loses nothing. The only energy allowed to go missing is what a chip reset destroys inside the chip, which
    /// the emulator accounts for (<see cref="Ade7953Emulator.LostWattHours"/>).
    /// </summary>
    [TestClass]
    public class Ade7953FaultTests
    {
        private const double IbWatts = 2300.0;

        [TestMethod]
        public void NACKs_are_reported_as_bus_errors_and_lose_no_energy()
        {
            var bench = new Ade7953Bench(plan: new FaultPlan { NackProbability = 0.02, Seed = 3 });
            StartWithRetries(bench);
            bench.Load(Ade7953Bench.At(10, 1.0, true, false));
            bench.Step();

            bench.Run(3600);

            Assert.IsTrue(bench.Count(IcStatus.BusError) > 100, "bus errors reported: " + bench.Count(IcStatus.BusError));
            Assert.IsTrue(bench.Plan!.Injected.Count(f => f.Fault == InjectedFault.Nack) > 100);
            Assert.AreEqual(IcStatus.BusError, FirstFault(bench));
            Assert.AreEqual(0, bench.Count(DeltaStatus.Implausible));
            Assert.AreEqual(bench.TrueNetWattHours, bench.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
        }

        [TestMethod]
        public void Bit_flips_on_reads_are_caught_by_the_chips_echo_and_never_counted()
        {
            var bench = new Ade7953Bench(plan: new FaultPlan { ReadBitFlipProbability = 0.05, Seed = 5 });
            StartWithRetries(bench);
            bench.Load(Ade7953Bench.At(10, 0.5, true, true));
            bench.Step();

            bench.Run(3600);

            int flips = bench.Plan!.Injected.Count(f => f.Fault == InjectedFault.ReadBitFlip);
            Assert.IsTrue(flips > 1000, "flips injected: " + flips);
            Assert.IsTrue(bench.Driver.VerifyRetries > 1000, "retries: " + bench.Driver.VerifyRetries);
            Assert.AreEqual(0, bench.Count(DeltaStatus.Implausible), "no garbled value reached the metrology core");
            Assert.AreEqual(0, bench.Restarts, "no flipped RESET bit was believed");
            Assert.AreEqual(bench.TrueNetWattHours, bench.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
        }

        [TestMethod]
        public void Three_garbled_reads_in_a_row_give_VerifyFailed_and_the_next_read_counts_everything()
        {
            var plan = new FaultPlan();
            var bench = new Ade7953Bench(plan: plan);
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            bench.Load(Ade7953Bench.At(10, 1.0, true, false));
            bench.Run(10);

            // The next ReadEnergy: IRQSTATA (3 transactions), then AENERGYA read, LAST_ADD, LAST_RWDATA, three times.
            var bus = (FaultInjectingBus)bench.Bus;
            long energyRead = bus.Transactions + 4;
            plan.At(energyRead, InjectedFault.ReadBitFlip, 3).At(energyRead + 3, InjectedFault.ReadBitFlip, 12).At(energyRead + 6, InjectedFault.ReadBitFlip, 20);

            Assert.AreEqual(IcStatus.VerifyFailed, bench.Step());
            Assert.AreEqual(Ade7953Register.ActiveEnergyA, bench.Driver.LastFault.Register);
            bench.Run(10);

            Assert.AreEqual(bench.TrueNetWattHours, bench.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
        }

        [TestMethod]
        public void Bit_flips_on_writes_are_caught_and_rewritten_at_start()
        {
            // A dry run finds which bus transactions of Start are writes; each caught flip then adds four
            // transactions (the write again and its three echo reads) before the next write.
            var dry = new RecordingBus(new Ade7953Emulator(new LoadScenario(1), MetrologyErrorModel.Ideal));
            var dryDriver = new Ade7953(dry, new EmulatorDriverClock(dry.Chip));
            dry.Chip.Advance(0.1);
            Assert.AreEqual(IcStatus.Ok, dryDriver.Start());
            int[] flipped = { 5, 9, 13, 16, 20 }; // of the 22 writes; the first four are the reset and 0x120
            int[] bits = { 17, 9, 26, 12, 30 };   // data bytes and the low address byte (a stray write)
            var plan = new FaultPlan();
            for (int i = 0; i < flipped.Length; i++)
            {
                plan.At(dry.Writes[flipped[i]] + (4 * i), InjectedFault.WriteBitFlip, bits[i]);
            }

            var bench = new Ade7953Bench(plan: plan);
            Assert.AreEqual(IcStatus.Ok, bench.Start());

            Assert.AreEqual(flipped.Length, plan.Injected.Count(f => f.Fault == InjectedFault.WriteBitFlip));
            Assert.IsTrue(bench.Driver.VerifyRetries >= flipped.Length, "retries: " + bench.Driver.VerifyRetries);
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
            Assert.AreEqual(bench.Driver.ExpectedChecksum, (uint)bench.Chip.Peek(Ade7953Register.Checksum));
            Assert.AreEqual(0x30, bench.Chip.Peek(Ade7953Register.OptimumSetting));

            bench.Load(Ade7953Bench.At(1, 0.8, false, false));
            bench.Run(600);
            Assert.AreEqual(bench.TrueNetWattHours, bench.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
        }

        [TestMethod]
        public void A_garbled_calibration_write_is_rewritten_and_verified()
        {
            var plan = new FaultPlan();
            var bench = new Ade7953Bench(plan: plan);
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            var bus = (FaultInjectingBus)bench.Bus;

            // ApplyCalibration: WRITE_PROTECT off (write, 3 echo reads, 3 read-back transactions), then AIGAIN's write.
            plan.At(bus.Transactions + 8, InjectedFault.WriteBitFlip, 17);
            var record = Ade7953Calibration.Nominal(1);
            record.Set(Ade7953Register.ActivePowerGainA, 0x3F0000);

            Assert.AreEqual(IcStatus.Ok, bench.Driver.ApplyCalibration(record));

            Assert.AreEqual(1, plan.Injected.Count(f => f.Fault == InjectedFault.WriteBitFlip));
            Assert.AreEqual(1, bench.Driver.VerifyRetries);
            Assert.AreEqual(0x400000, bench.Chip.Peek(Ade7953Register.CurrentGainA));
            Assert.AreEqual(0x3F0000, bench.Chip.Peek(Ade7953Register.ActivePowerGainA));
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
        }

        [TestMethod]
        public void A_spontaneous_reset_is_recovered_and_only_the_unread_energy_inside_the_chip_is_lost()
        {
            var plan = new FaultPlan();
            var bench = new Ade7953Bench(plan: plan);
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            bench.Load(Ade7953Bench.At(10, 1.0, true, false));
            bench.Run(600);

            bench.Chip.Advance(0.5);
            bench.Chip.SpontaneousReset();
            bench.Chip.Advance(0.5);
            Assert.AreEqual(IcStatus.Ok, bench.Read(10_000_000));
            Assert.IsTrue(bench.Reading.ChipRestarted);
            Assert.AreEqual(IcStatus.ChipReset, bench.Driver.LastFault.Status, "logged for the event log");
            bench.Run(600);

            Assert.AreEqual(1, bench.Restarts);
            Assert.AreEqual(1, bench.Driver.ChipResetsDetected);
            Assert.AreEqual(1, plan.Injected.Count(f => f.Fault == InjectedFault.ChipReset));
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
            Assert.AreEqual(0, bench.Chip.Peek(Ade7953Register.LineCycleMode), "accumulating again");

            // Lost: half a second of energy unread in AENERGYA, and the 70 ms the chip took to restart.
            Assert.AreEqual(Lost(IbWatts, 0.5), bench.Chip.LostWattHours, 2 * Ade7953Bench.CountWattHours);
            Assert.AreEqual(bench.CountableNetWattHours, bench.CountedNetWattHours, UncalibratedWindow(IbWatts, 0.5) + 2 * Ade7953Bench.CountWattHours);
        }

        [TestMethod]
        public void A_power_cycle_is_recovered_and_only_the_unread_energy_inside_the_chip_is_lost()
        {
            var bench = new Ade7953Bench(plan: new FaultPlan());
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            bench.Load(Ade7953Bench.At(63, 0.5, true, true));
            bench.Run(600);

            bench.Chip.Advance(0.3);
            bench.Chip.PowerDown();
            bench.Chip.Advance(0.7);
            for (int i = 0; i < 30; i++)
            {
                Assert.AreEqual(IcStatus.BusError, bench.Step(), "unpowered: no acknowledge");
            }

            bench.Chip.PowerUp();
            bench.Run(600);

            Assert.AreEqual(1, bench.Restarts);
            double watts = -230.0 * 63 * 0.5;
            Assert.AreEqual(Lost(watts, 0.3), bench.Chip.LostWattHours, 2 * Ade7953Bench.CountWattHours);
            Assert.AreEqual(bench.CountableNetWattHours, bench.CountedNetWattHours, UncalibratedWindow(watts, 1.0) + 2 * Ade7953Bench.CountWattHours);
        }

        [TestMethod]
        public void A_reset_noticed_by_CheckHealth_is_recovered_by_the_next_read_without_losing_energy()
        {
            var bench = new Ade7953Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            bench.Load(Ade7953Bench.At(10, 1.0, true, false));
            bench.Run(60);
            bench.Chip.Advance(0.2);
            bench.Chip.SpontaneousReset();
            bench.Chip.Advance(0.3);

            Assert.AreEqual(IcStatus.ChipReset, bench.Driver.CheckHealth());
            Assert.AreEqual(IcStatus.Ok, bench.Step());
            Assert.IsTrue(bench.Reading.ChipRestarted);
            bench.Run(60);

            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
            Assert.AreEqual(bench.CountableNetWattHours, bench.CountedNetWattHours, UncalibratedWindow(IbWatts, 1.3) + 2 * Ade7953Bench.CountWattHours);
        }

        [TestMethod]
        public void A_stuck_energy_register_is_reported_and_its_energy_counted_once_it_moves_again()
        {
            var plan = new FaultPlan();
            var bench = new Ade7953Bench(plan: plan);
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            bench.Load(Ade7953Bench.At(10, 1.0, true, false));
            bench.Run(60);

            bench.Chip.Stick(Ade7953Register.ActiveEnergyA);
            bench.Run(30);

            Assert.IsTrue(bench.Count(IcStatus.EnergyInconsistent) >= 20, "reported: " + bench.Count(IcStatus.EnergyInconsistent));
            Assert.AreEqual(IcStatus.EnergyInconsistent, bench.Driver.LastFault.Status);
            Assert.AreEqual(Ade7953Register.ActiveEnergyA, bench.Driver.LastFault.Register);
            Assert.AreEqual(1, plan.Injected.Count(f => f.Fault == InjectedFault.StuckRegister));

            bench.Chip.Release(Ade7953Register.ActiveEnergyA);
            bench.Run(60);

            Assert.AreEqual(IcStatus.Ok, bench.Step());
            Assert.AreEqual(bench.TrueNetWattHours, bench.CountedNetWattHours, 2 * Ade7953Bench.CountWattHours);
        }

        [TestMethod]
        public void An_energy_register_running_against_the_power_is_reported()
        {
            var bench = new Ade7953Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            bench.Load(Ade7953Bench.At(10, 1.0, true, false));
            bench.Run(10);

            IcStatus status = IcStatus.Ok;
            for (int i = 0; i < ContraryReads && status == IcStatus.Ok; i++)
            {
                bench.Chip.Advance(1);
                bench.Chip.Poke(Ade7953Register.ActiveEnergyA, bench.Reading.NetRaw - 500); // corrupted: runs backwards
                status = bench.Driver.ReadEnergy(bench.Reading);
            }

            Assert.AreEqual(IcStatus.EnergyInconsistent, status);
        }

        private static int ContraryReads => Ade7953.ContraryReadLimit;

        // Between a reset and its recovery the chip meters without 0x120 (and at default gains): allow that time.
        private static double UncalibratedWindow(double watts, double seconds) =>
            Math.Abs(Ade7953Emulator.MissingOptimumSettingGainError * watts) * seconds / 3600;

        // What a reset destroys: the energy in AENERGYA since its last read, and what the chip measured (without
        // 0x120) while it restarted.
        private static double Lost(double watts, double unreadSeconds) =>
            watts * (unreadSeconds + (Ade7953Emulator.ResetSeconds * (1 + Ade7953Emulator.MissingOptimumSettingGainError))) / 3600;

        private static void StartWithRetries(Ade7953Bench bench)
        {
            for (int i = 0; i < 10; i++)
            {
                if (bench.Start() == IcStatus.Ok)
                {
                    return;
                }
            }

            Assert.Fail("did not start: " + bench.Driver.LastFault.Status);
        }

        /// <summary>Passes transfers to an emulated chip and notes which transaction numbers were writes.</summary>
        private sealed class RecordingBus : AssetMeter.Hardware.Bus.IBusDevice
        {
            private long _transactions;

            public RecordingBus(Ade7953Emulator chip) => Chip = chip;

            public Ade7953Emulator Chip { get; }

            public System.Collections.Generic.List<long> Writes { get; } = new();

            public AssetMeter.Hardware.Bus.BusStatus Write(byte[] buffer, int offset, int count)
            {
                Writes.Add(++_transactions);
                return Chip.Write(buffer, offset, count);
            }

            public AssetMeter.Hardware.Bus.BusStatus Read(byte[] buffer, int offset, int count)
            {
                _transactions++;
                return Chip.Read(buffer, offset, count);
            }

            public AssetMeter.Hardware.Bus.BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount)
            {
                _transactions++;
                return Chip.WriteRead(writeBuffer, writeOffset, writeCount, readBuffer, readOffset, readCount);
            }
        }

        private static IcStatus FirstFault(Ade7953Bench bench) =>
            bench.Statuses.Keys.Where(s => s != IcStatus.Ok).OrderByDescending(s => bench.Statuses[s]).First();
    }
}
