using System;
using System.Linq;
using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Driver = AssetMeter.Hardware.Atm90e32.Atm90e32;

namespace AssetMeter.Hardware.Tests.Atm90e32
{
    /// <summary>
    /// Every fault the bus or the chip can produce is detected, and the energy counted stays equal to the true
    /// energy except what is genuinely lost, which each test accounts for explicitly.
    /// </summary>
    [TestClass]
    public sealed class Atm90e32FaultTests
    {
        private static readonly PhaseLoad Ib = new(230.0, 10.0, 0.0);

        [TestMethod]
        public void ANackOnAnEnergyReadIsRetriedAndNothingIsLost()
        {
            var bench = Running();
            AimAt(bench, b => b.Step(), true, Atm90e32Register.APenergyT, InjectedFault.Nack);
            int recovered = bench.Driver.RecoveredFaults;

            Assert.AreEqual(IcStatus.Ok, bench.Step());

            Assert.IsTrue(bench.Plan.Injected.Any(f => f.Fault == InjectedFault.Nack));
            Assert.IsTrue(bench.Driver.RecoveredFaults > recovered, "the retry is counted");
            bench.Run(10);
            Atm90e32EnergyTests.AssertCounted(bench.TrueImportMicrowattHours, bench.Import.MicrowattHours, bench);
        }

        [TestMethod]
        public void ABusThatStaysDownMidReadIsABusErrorAndTheCountsAlreadyReadArriveNextTime()
        {
            var bench = Running();
            long at = bench.FaultBus.Transactions + Atm90e32Bench.OffsetOf(Prepare, b => b.Step(), true, Atm90e32Register.ANenergyT);
            for (long t = at; t <= at + Driver.MaximumConfirmReads; t++)
            {
                bench.Plan.At(t, InjectedFault.Nack);
            }

            Assert.AreEqual(IcStatus.BusError, bench.Step(), "the reverse register and LastSPIData cannot be reached");
            Assert.AreEqual(Atm90e32Register.ANenergyT, bench.Driver.LastFault.Register);
            Assert.IsTrue(bench.Chip.Peek(Atm90e32Register.APenergyT) < 10, "the forward register was already read (and cleared)");

            Assert.AreEqual(IcStatus.Ok, bench.Step());
            Assert.AreEqual(1226, bench.Reading.ForwardRaw, 2, "two seconds of 6.9 kW: the held counts and the new ones");
            bench.Run(10);
            Atm90e32EnergyTests.AssertCounted(bench.TrueImportMicrowattHours, bench.Import.MicrowattHours, bench);
        }

        [TestMethod]
        public void ATransferReportedFailedAfterTheChipClockedItIsRecoveredFromLastSpiData()
        {
            LateFailureBus? late = null;
            var bench = new Atm90e32Bench(wrap: bus => late = new LateFailureBus(bus));
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            bench.Load(Ib);
            bench.Run(10);

            late!.FailNextReadOf(Atm90e32Register.APenergyT);
            Assert.AreEqual(IcStatus.Ok, bench.Step());

            Assert.AreEqual(1, late.Failures, "the failure was injected");
            Assert.AreEqual(613, bench.Reading.ForwardRaw, 1, "the cleared value came back through LastSPIData");
            bench.Run(10);
            Atm90e32EnergyTests.AssertCounted(bench.TrueImportMicrowattHours, bench.Import.MicrowattHours, bench);
        }

        [TestMethod]
        [DataRow(5, DisplayName = "high byte, bit 13")]
        [DataRow(8, DisplayName = "low byte, bit 0")]
        public void ABitFlippedOnAClearOnReadValueIsCorrectedFromLastSpiData(int bit)
        {
            var bench = Running();
            AimAt(bench, b => b.Step(), true, Atm90e32Register.APenergyT, InjectedFault.ReadBitFlip, bit);
            int recovered = bench.Driver.RecoveredFaults;

            Assert.AreEqual(IcStatus.Ok, bench.Step());

            Assert.IsTrue(bench.Plan.Injected.Any(f => f.Fault == InjectedFault.ReadBitFlip));
            Assert.AreEqual(recovered + 1, bench.Driver.RecoveredFaults, "detected and outvoted");
            Assert.AreEqual(613, bench.Reading.ForwardRaw, 1);
            bench.Run(10);
            Atm90e32EnergyTests.AssertCounted(bench.TrueImportMicrowattHours, bench.Import.MicrowattHours, bench);
        }

        [TestMethod]
        public void ABitFlippedOnTheConfirmingReadOfLastSpiDataIsOutvoted()
        {
            var bench = Running();
            long at = bench.FaultBus.Transactions + Atm90e32Bench.OffsetOf(Prepare, b => b.Step(), true, Atm90e32Register.APenergyT);
            bench.Plan.At(at + 1, InjectedFault.ReadBitFlip, 3);

            Assert.AreEqual(IcStatus.Ok, bench.Step());

            Assert.AreEqual(613, bench.Reading.ForwardRaw, 1);
            bench.Run(10);
            Atm90e32EnergyTests.AssertCounted(bench.TrueImportMicrowattHours, bench.Import.MicrowattHours, bench);
        }

        [TestMethod]
        public void AnEnergyValueThatCannotBeEstablishedIsLoggedAndItsEnergyAccountedAsLost()
        {
            var bench = Running();
            long at = bench.FaultBus.Transactions + Atm90e32Bench.OffsetOf(Prepare, b => b.Step(), true, Atm90e32Register.APenergyT);
            for (int i = 0; i <= Driver.MaximumConfirmReads; i++)
            {
                // The register read and every LastSPIData read damaged differently: no two observations agree.
                bench.Plan.At(at + i, InjectedFault.ReadBitFlip, i);
            }

            bench.Spy.Recording = true;

            Assert.AreEqual(IcStatus.VerifyFailed, bench.Step());

            int sent = bench.Spy.Frames.Single(f => f.Transaction == at).Data;
            long garbled = sent ^ 0x0100;
            var fault = bench.Driver.LastFault;
            Assert.AreEqual(Atm90e32Register.APenergyT, fault.Register);
            long logged = fault.Expected;
            Assert.AreEqual(garbled, logged, "the value as first read is logged");
            bench.Run(10);
            double lost = sent * bench.CountMicrowattHours;
            Atm90e32EnergyTests.AssertCounted(bench.TrueImportMicrowattHours - lost, bench.Import.MicrowattHours, bench);
        }

        [TestMethod]
        public void AnHourOfRandomBitFlipsAndNacksLosesNothing()
        {
            var plan = new FaultPlan { ReadBitFlipProbability = 0.01, NackProbability = 0.005, Seed = 11 };
            var bench = new Atm90e32Bench(plan: plan);
            Assert.AreEqual(IcStatus.Ok, bench.Start(), "start-up copes with the noise too");
            bench.Load(new PhaseLoad(230.0, 32.0, 25.0));

            bench.Run(3600);

            Assert.IsTrue(plan.Injected.Count > 500, "faults were injected: " + plan.Injected.Count);
            Assert.IsTrue(bench.Statuses.TrueForAll(s => s == IcStatus.Ok), "every read Ok");
            Assert.AreEqual(0, bench.Refused.Count);
            Atm90e32EnergyTests.AssertCounted(bench.TrueImportMicrowattHours, bench.Import.MicrowattHours, bench);
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
        }

        [TestMethod]
        [DataRow(0x47, 24, DisplayName = "data bit of PQGainA")]
        [DataRow(0x35, 8, DisplayName = "address bit: PStartTh lands in MMode1")]
        [DataRow(0x35, 7, DisplayName = "read flag: the write becomes a read")]
        public void AWriteDamagedOnTheWireIsCaughtAndRepaired(int register, int bit)
        {
            var bench = new Atm90e32Bench();
            long at = bench.FaultBus.Transactions + Atm90e32Bench.OffsetOf(_ => { }, b => b.Start(), false, register);
            bench.Plan.At(at, InjectedFault.WriteBitFlip, bit);
            bench.Spy.Recording = true;

            Assert.AreEqual(IcStatus.Ok, bench.Start());
            if (bit == 8)
            {
                var mmode1Writes = bench.Spy.Frames.Where(f => !f.IsRead && f.Address == Atm90e32Register.MMode1).Select(f => f.Data).ToArray();
                CollectionAssert.AreEqual(new[] { 0x0000, Atm90e32ReferenceBoard.NoLoadThreshold, 0x0000 }, mmode1Writes, "the stray write, then the repair after the CRC check");
            }

            Assert.IsTrue(bench.Plan.Injected.Any(f => f.Fault == InjectedFault.WriteBitFlip));
            Assert.IsTrue(bench.Driver.RecoveredFaults >= 1);
            Assert.AreEqual(0, bench.Chip.Peek(Atm90e32Register.MMode1), "no stray value left behind");
            Assert.AreEqual(Atm90e32ReferenceBoard.NoLoadThreshold, bench.Chip.Peek(Atm90e32Register.PStartTh));
            Assert.AreEqual(0, bench.Chip.Peek(Atm90e32Register.PQGainA));
            Assert.AreEqual(bench.Driver.ExpectedDigest, bench.Chip.Peek(Atm90e32Register.CRCDigest));
        }

        [TestMethod]
        public void ASpontaneousResetIsDetectedAndOnlyTheEnergyUntilTheRestartIsLost()
        {
            var bench = Running();
            bench.Run(20);
            double lastRead = bench.TrueAtLastDelivery.Import;
            bench.Chip.Advance(0.4);
            bench.Chip.SpontaneousReset();

            Assert.AreEqual(IcStatus.ChipReset, bench.Step(0.6));

            Assert.IsTrue(bench.Reading.ChipRestarted);
            Assert.IsTrue(bench.Driver.IsStarted, "the bench restarted the driver");
            Assert.IsTrue(bench.Plan.Injected.Any(f => f.Fault == InjectedFault.ChipReset));
            double lost = bench.TrueImportMicrowattHours - lastRead;
            Assert.IsTrue(lost > 1_900_000, "a second of 6.9 kW was in the registers or not metered");
            bench.Run(60);
            Assert.IsTrue(bench.Statuses.Skip(bench.Statuses.Count - 60).All(s => s == IcStatus.Ok));
            Atm90e32EnergyTests.AssertCounted(bench.TrueImportMicrowattHours - lost, bench.Import.MicrowattHours, bench);
        }

        [TestMethod]
        public void RestartingARunningChipKeepsTheCountsItHeld()
        {
            var bench = Running();
            bench.Chip.Advance(0.7);
            double beforeStart = bench.TrueImportMicrowattHours;

            Assert.AreEqual(IcStatus.Ok, bench.Start(), "for example after ChecksumMismatch");

            double lost = bench.TrueImportMicrowattHours - beforeStart;
            Assert.IsTrue(lost < 20 * bench.CountMicrowattHours, "only the few milliseconds of the soft reset were not metered");
            bench.Run(10);
            Atm90e32EnergyTests.AssertCounted(bench.TrueImportMicrowattHours - lost, bench.Import.MicrowattHours, bench);
        }

        [TestMethod]
        public void APowerCycleLosesOnlyTheUnreadEnergyAndWhatFlowedBeforeTheRestart()
        {
            var bench = Running();
            bench.Run(20);
            double lastRead = bench.TrueAtLastDelivery.Import;
            bench.Chip.Advance(0.5);
            bench.Chip.PowerDown();
            double atPowerDown = bench.TrueImportMicrowattHours;

            bench.Run(20);
            Assert.IsTrue(bench.Statuses.Skip(bench.Statuses.Count - 20).All(s => s == IcStatus.ChipReset), "no chip: every read says so");
            Assert.AreEqual(atPowerDown, bench.TrueImportMicrowattHours, "nothing flows without supply");
            Assert.AreEqual(IcStatus.NotResponding, bench.Driver.Start(), "an unpowered chip does not answer");

            bench.Chip.PowerUp();
            double atPowerUp = bench.TrueImportMicrowattHours;
            Assert.AreEqual(IcStatus.ChipReset, bench.Step(), "not started yet: the bench restarts it");
            Assert.IsTrue(bench.Driver.IsStarted);
            double atRestart = bench.TrueImportMicrowattHours;

            bench.Run(60);
            double lost = (atPowerDown - lastRead) + (atRestart - atPowerUp);
            Atm90e32EnergyTests.AssertCounted(bench.TrueImportMicrowattHours - lost, bench.Import.MicrowattHours, bench);
        }

        [TestMethod]
        [DataRow(0x0000, DisplayName = "stuck at zero")]
        [DataRow(0x1234, DisplayName = "stuck at a value")]
        public void AStuckEnergyRegisterIsReportedAsInconsistent(int value)
        {
            var bench = Running();
            bench.Run(20);
            Atm90e32EnergyTests.AssertCounted(bench.TrueImportMicrowattHours, bench.Import.MicrowattHours, bench);

            bench.Chip.StickRegister(Atm90e32Register.APenergyT, value, bench.Chip.Now);
            bench.Run(4);

            Assert.IsTrue(bench.Statuses.Skip(bench.Statuses.Count - 4).Contains(IcStatus.EnergyInconsistent), "flagged within four reads");
            Assert.AreEqual(Atm90e32Register.APenergyT, bench.Driver.LastFault.Register);
            Assert.IsTrue(bench.Plan.Injected.Any(f => f.Fault == InjectedFault.StuckRegister));
        }

        [TestMethod]
        public void AHealthyRegisterIsNeverFlaggedAcrossLoadStepsAndNoLoad()
        {
            var bench = Running();
            PhaseLoad[] steps =
            {
                new(230.0, 100.0, 0.0), PhaseLoad.Idle(), new(230.0, 0.4, 0.0), PhaseLoad.At(230.0, 20.0, 0.5, true, true),
                new(230.0, 3.0, 80.0), Ib,
            };
            foreach (var step in steps)
            {
                bench.Load(step);
                bench.Run(37);
            }

            Assert.IsTrue(bench.Statuses.TrueForAll(s => s == IcStatus.Ok));
        }

        private static void Prepare(Atm90e32Bench bench)
        {
            Assert.AreEqual(IcStatus.Ok, bench.Start());
            bench.Load(Ib);
            bench.Run(10);
        }

        private static Atm90e32Bench Running()
        {
            var bench = new Atm90e32Bench();
            Prepare(bench);
            return bench;
        }

        /// <summary>Schedules <paramref name="fault"/> on the first frame of <paramref name="operation"/> that addresses <paramref name="register"/>.</summary>
        private static void AimAt(Atm90e32Bench bench, Func<Atm90e32Bench, IcStatus> operation, bool isRead, int register, InjectedFault fault, int bit = 0)
        {
            long offset = Atm90e32Bench.OffsetOf(Prepare, operation, isRead, register);
            bench.Plan.At(bench.FaultBus.Transactions + offset, fault, bit);
        }

        /// <summary>A bus that reports a transfer as failed after the chip has already executed it (DMA error after the clocks).</summary>
        private sealed class LateFailureBus : IBusDevice
        {
            private readonly IBusDevice _inner;
            private int _armedFor = -1;

            public LateFailureBus(IBusDevice inner) => _inner = inner;

            public int Failures { get; private set; }

            public void FailNextReadOf(int address) => _armedFor = address;

            public BusStatus Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

            public BusStatus Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

            public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount)
            {
                var status = _inner.WriteRead(writeBuffer, writeOffset, writeCount, readBuffer, readOffset, readCount);
                int address = ((writeBuffer[writeOffset] << 8) | writeBuffer[writeOffset + 1]) & 0x3FF;
                if (address == _armedFor)
                {
                    _armedFor = -1;
                    Failures++;
                    Array.Clear(readBuffer, readOffset, readCount);
                    return BusStatus.Failed;
                }

                return status;
            }
        }
    }
}
