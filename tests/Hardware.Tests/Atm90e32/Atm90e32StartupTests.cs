using System.Collections.Generic;
using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Driver = AssetMeter.Hardware.Atm90e32.Atm90e32;

namespace AssetMeter.Hardware.Tests.Atm90e32
{
    [TestClass]
    public sealed class Atm90e32StartupTests
    {
        [TestMethod]
        public void StartWritesTheWholeConfigurationAndTheChipDigestMatches()
        {
            var bench = new Atm90e32Bench();

            Assert.AreEqual(IcStatus.Ok, bench.Start());

            var chip = bench.Chip;
            Assert.AreEqual(1, chip.Peek(Atm90e32Register.MeterEn));
            Assert.AreEqual(0, chip.Peek(Atm90e32Register.CfgRegAccEn), "configuration access is closed again");
            Assert.AreEqual(0x0861, chip.Peek(Atm90e32Register.PLconstH));
            Assert.AreEqual(0xC468, chip.Peek(Atm90e32Register.PLconstL));
            Assert.AreEqual(Atm90e32ReferenceBoard.NoLoadThreshold, chip.Peek(Atm90e32Register.PStartTh));
            Assert.AreEqual(Atm90e32ReferenceBoard.NoLoadThreshold, chip.Peek(Atm90e32Register.PPhaseTh));
            for (int phase = 0; phase < 3; phase++)
            {
                Assert.AreEqual(Atm90e32ReferenceBoard.NominalUgain, chip.Peek(Atm90e32Register.Phase(phase).Ugain));
                Assert.AreEqual(Atm90e32ReferenceBoard.NominalIgain, chip.Peek(Atm90e32Register.Phase(phase).Igain));
                var terms = chip.CalibrationTermsOf(phase);
                Assert.AreEqual(1.0, terms.GainFactor, 1e-12, "nominal gains make 3200 imp/kWh exact");
                Assert.AreEqual(0.0, terms.PhaseDegrees);
                Assert.AreEqual(0.0, terms.OffsetWatts);
            }

            Assert.AreEqual(bench.Driver.ExpectedDigest, chip.Peek(Atm90e32Register.CRCDigest));
            Assert.AreEqual(0, chip.Peek(Atm90e32Register.CRCErrStatus));
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
        }

        [TestMethod]
        public void EveryWriteIsFollowedByAReadOfLastSpiDataAndAReadBack()
        {
            var bench = new Atm90e32Bench();
            bench.Spy.Recording = true;

            Assert.AreEqual(IcStatus.Ok, bench.Start());

            var frames = bench.Spy.Frames;
            int writes = 0;
            for (int i = 0; i < frames.Count; i++)
            {
                if (frames[i].IsRead || frames[i].Address == Atm90e32Register.SoftReset)
                {
                    continue;
                }

                writes++;
                Assert.IsTrue(frames[i + 1].IsRead && frames[i + 1].Address == Atm90e32Register.LastSPIData, $"write to 0x{frames[i].Address:X2} checked through LastSPIData");
                Assert.AreEqual(frames[i].Data, frames[i + 1].Data, "the chip received the word written");
                int back = frames.FindIndex(i + 1, f => f.IsRead && f.Address == frames[i].Address);
                Assert.IsTrue(back > i && back < i + 5, $"write to 0x{frames[i].Address:X2} read back");
            }

            Assert.AreEqual(Atm90e32Crc.ProtectedCount + 3, writes, "protected registers, MeterEn, and opening and closing access");
        }

        [TestMethod]
        public void AShellThatDoesNotWaitAfterTheSoftResetFindsNoChip()
        {
            var bench = new Atm90e32Bench();
            bench.Clock.Waits = false;

            Assert.AreEqual(IcStatus.NotResponding, bench.Start());
            Assert.AreEqual(IcStatus.NotResponding, bench.Driver.LastFault.Status);
        }

        [TestMethod]
        public void AnAbsentChipIsNotResponding()
        {
            var chip = Atm90e32Emulator.Ideal(new LoadScenario(3));
            var driver = new Driver(new FloatingBus(0xFF), new EmulatorDriverClock(chip), null);

            Assert.AreEqual(IcStatus.NotResponding, driver.Start());
            Assert.AreEqual(Atm90e32Register.PLconstH, driver.LastFault.Register);
            Assert.AreEqual(0x0861, driver.LastFault.Expected);
            Assert.AreEqual(0xFFFF, driver.LastFault.Actual);
        }

        [TestMethod]
        public void AnotherChipThatAnswersButHasOtherResetValuesIsNotResponding()
        {
            var chip = Atm90e32Emulator.Ideal(new LoadScenario(3));
            var driver = new Driver(new OtherChip(), new EmulatorDriverClock(chip), null);

            Assert.AreEqual(IcStatus.NotResponding, driver.Start());
            Assert.AreEqual(Atm90e32Register.PLconstH, driver.LastFault.Register);
        }

        [TestMethod]
        public void ABusThatAlwaysFailsIsABusError()
        {
            var chip = Atm90e32Emulator.Ideal(new LoadScenario(3));
            var driver = new Driver(new FailingBus(), new EmulatorDriverClock(chip), null);

            Assert.AreEqual(IcStatus.BusError, driver.Start());
            Assert.AreEqual(IcStatus.BusError, driver.LastFault.Status);
            var reading = new EnergyReading();
            Assert.AreEqual(IcStatus.ChipReset, driver.ReadEnergy(reading), "not started");
        }

        [TestMethod]
        public void ConfigurationWritesWithoutTheAccessKeyAreIgnoredButStillEchoed()
        {
            var chip = Atm90e32Emulator.Ideal(new LoadScenario(3));

            Frame(chip, Atm90e32Register.PLconstL, 0x1234);
            Assert.AreEqual(0xC468, chip.Peek(Atm90e32Register.PLconstL), "refused while access is closed");
            Assert.AreEqual(0x1234, chip.Peek(Atm90e32Register.LastSPIData), "LastSPIData records the word anyway");

            Frame(chip, Atm90e32Register.CfgRegAccEn, 0x55AA);
            Frame(chip, Atm90e32Register.PLconstL, 0x1234);
            Assert.AreEqual(0x1234, chip.Peek(Atm90e32Register.PLconstL), "accepted with the key");
            Assert.AreEqual(0, chip.Peek(Atm90e32Register.CRCErrStatus), "no CRC error while access is open");

            Frame(chip, Atm90e32Register.CfgRegAccEn, 0x0000);
            Frame(chip, Atm90e32Register.PLconstL, 0x4321);
            Assert.AreEqual(0x1234, chip.Peek(Atm90e32Register.PLconstL), "refused again once closed");
        }

        [TestMethod]
        public void ConfigurationChangedBehindTheDriversBackIsAChecksumMismatch()
        {
            var bench = new Atm90e32Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());

            // Someone else on the bus opens access properly, changes a gain and closes access again.
            Frame(bench.Chip, Atm90e32Register.CfgRegAccEn, 0x55AA);
            Frame(bench.Chip, Atm90e32Register.PQGainB, 0x0100);
            Frame(bench.Chip, Atm90e32Register.CfgRegAccEn, 0x0000);

            Assert.AreEqual(0, bench.Chip.Peek(Atm90e32Register.CRCErrStatus), "the chip relatched its CRC: only the driver can tell");
            Assert.AreEqual(IcStatus.ChecksumMismatch, bench.Driver.CheckHealth());
            Assert.AreEqual(Atm90e32Register.CRCDigest, bench.Driver.LastFault.Register);
            Assert.AreEqual(bench.Driver.ExpectedDigest, bench.Driver.LastFault.Expected);

            Assert.AreEqual(IcStatus.Ok, bench.Start(), "a restart puts the configuration back");
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth());
        }

        [TestMethod]
        public void ARegisterUpsetWhileAccessIsClosedRaisesTheChipsCrcError()
        {
            var bench = new Atm90e32Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());

            bench.Chip.CorruptRegister(Atm90e32Register.MMode0, 0x0088);

            Assert.AreEqual(1, bench.Chip.Peek(Atm90e32Register.CRCErrStatus));
            Assert.AreEqual(IcStatus.ChecksumMismatch, bench.Driver.CheckHealth());
            Assert.AreEqual(Atm90e32Register.CRCErrStatus, bench.Driver.LastFault.Register);
        }

        [TestMethod]
        public void ConfigurationAccessLeftOpenIsReported()
        {
            var bench = new Atm90e32Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());

            Frame(bench.Chip, Atm90e32Register.CfgRegAccEn, 0x55AA);

            Assert.AreEqual(IcStatus.ChecksumMismatch, bench.Driver.CheckHealth());
            Assert.AreEqual(Atm90e32Register.CfgRegAccEn, bench.Driver.LastFault.Register);
        }

        [TestMethod]
        public void ASpontaneousResetIsReportedByCheckHealth()
        {
            var bench = new Atm90e32Bench();
            Assert.AreEqual(IcStatus.Ok, bench.Start());

            bench.Chip.SpontaneousReset();
            bench.Chip.Advance(0.01);

            Assert.AreEqual(IcStatus.ChipReset, bench.Driver.CheckHealth());
            Assert.IsFalse(bench.Driver.IsStarted);
            Assert.AreEqual(IcStatus.Ok, bench.Start());
        }

        /// <summary>Clocks one write frame straight into the chip (another master on the bus).</summary>
        internal static void Frame(IBusDevice chip, int address, int value)
        {
            chip.Write(new[] { (byte)(address >> 8), (byte)address, (byte)(value >> 8), (byte)value }, 0, 4);
        }

        /// <summary>No chip: MISO floats to a constant level.</summary>
        private sealed class FloatingBus : IBusDevice
        {
            private readonly byte _level;

            public FloatingBus(byte level) => _level = level;

            public BusStatus Write(byte[] buffer, int offset, int count) => BusStatus.Ok;

            public BusStatus Read(byte[] buffer, int offset, int count)
            {
                for (int i = 0; i < count; i++)
                {
                    buffer[offset + i] = _level;
                }

                return BusStatus.Ok;
            }

            public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount) =>
                Read(readBuffer, readOffset, readCount);
        }

        /// <summary>Some other SPI chip with a LastSPIData-like echo but other registers (all zero).</summary>
        private sealed class OtherChip : IBusDevice
        {
            private readonly Dictionary<int, int> _registers = new();
            private int _last;

            public BusStatus Write(byte[] buffer, int offset, int count)
            {
                _last = (buffer[offset + 2] << 8) | buffer[offset + 3];
                _registers[((buffer[offset] << 8) | buffer[offset + 1]) & 0x3FF] = _last;
                return BusStatus.Ok;
            }

            public BusStatus Read(byte[] buffer, int offset, int count) => BusStatus.Ok;

            public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount)
            {
                int address = ((writeBuffer[writeOffset] << 8) | writeBuffer[writeOffset + 1]) & 0x3FF;
                int value = address == 0x78 ? _last : _registers.GetValueOrDefault(address);
                _last = value;
                readBuffer[readOffset] = (byte)(value >> 8);
                readBuffer[readOffset + 1] = (byte)value;
                return BusStatus.Ok;
            }
        }

        private sealed class FailingBus : IBusDevice
        {
            public BusStatus Write(byte[] buffer, int offset, int count) => BusStatus.Failed;

            public BusStatus Read(byte[] buffer, int offset, int count) => BusStatus.Failed;

            public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount) => BusStatus.Failed;
        }
    }
}
