using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Emulation;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests
{
    using AssetMeter.Hardware.Atecc608;

    /// <summary>
    /// Wake, sleep and the watchdog, the packet format at the bus, and the read-only commands: revision, serial
    /// number, configuration zone, lock state, random numbers.
    /// </summary>
    [TestClass]
    public class Atecc608SessionTests
    {
        private static readonly byte[] WakeResponse = { 0x04, 0x11, 0x33, 0x43 };

        [TestMethod]
        public void Wake_handshake_at_the_bus()
        {
            using var chip = new Atecc608Emulator();
            var reply = new byte[4];

            // Asleep: the chip does not acknowledge its own address.
            Assert.AreEqual(BusStatus.NotAcknowledged, chip.Read(reply, 0, 4));

            // A general-call write at 100 kHz holds SDA low for 80 µs; nobody acknowledges it.
            Assert.AreEqual(BusStatus.NotAcknowledged, chip.GeneralCall.Write(new byte[] { 0x01 }, 0, 1));

            // Before tWHI (1.5 ms) has passed the chip is not ready; after it, the wake response.
            Assert.AreEqual(BusStatus.NotAcknowledged, chip.Read(reply, 0, 4));
            chip.Delay.Sleep(2);
            Assert.AreEqual(BusStatus.Ok, chip.Read(reply, 0, 4));
            CollectionAssert.AreEqual(WakeResponse, reply);
            Assert.IsTrue(chip.IsAwake);

            // The sleep word address puts it back to sleep.
            Assert.AreEqual(BusStatus.Ok, chip.Write(new byte[] { 0x01 }, 0, 1));
            Assert.IsFalse(chip.IsAwake);
        }

        [TestMethod]
        public void A_general_call_at_400_kHz_is_too_short_to_wake_the_chip_and_the_driver_says_so()
        {
            using var rig = Atecc608Rig.Provisioned();
            rig.Chip.BusClockHz = 400_000;
            var serial = new byte[9];
            Assert.AreEqual(Atecc608Status.WakeFailed, rig.Driver.ReadSerialNumber(serial, 0));
            Assert.AreEqual(BusStatus.NotAcknowledged, rig.Driver.LastBusStatus);
            Assert.AreEqual(0, rig.Chip.Wakes);
            CollectionAssert.AreEqual(new byte[9], serial);
        }

        [TestMethod]
        public void Commands_without_a_wake_fail_cleanly()
        {
            using var chip = Atecc608Emulator.CreateProvisioned();
            var info = new byte[] { 0x03, 0x07, 0x30, 0x00, 0x00, 0x00, 0x03, 0x5D };
            Assert.AreEqual(BusStatus.NotAcknowledged, chip.Write(info, 0, info.Length));
            Assert.AreEqual(0, chip.CommandsExecuted);

            // A driver whose wake port does nothing reports a failed wake, without throwing.
            var driver = new Atecc608(chip, new SilentWake(), chip.Delay);
            var revision = new byte[4];
            Assert.AreEqual(Atecc608Status.WakeFailed, driver.ReadRevision(revision, 0));
            Assert.AreEqual(Atecc608Status.WakeFailed, driver.LastStatus);
            Assert.AreEqual(BusStatus.NotAcknowledged, driver.LastBusStatus);
            Assert.AreEqual(Atecc608Status.WakeFailed, driver.Sign(0, new byte[32], 0, new byte[64], 0));
            Assert.AreEqual(0, chip.CommandsExecuted);
        }

        [TestMethod]
        public void Packets_at_the_bus_info_command_and_a_damaged_command()
        {
            using var chip = new Atecc608Emulator();
            Wake(chip);

            // Info (revision): the packet of the SparkFun and Saleae examples, CRC 03 5D.
            var info = new byte[] { 0x03, 0x07, 0x30, 0x00, 0x00, 0x00, 0x03, 0x5D };
            Assert.AreEqual(BusStatus.Ok, chip.Write(info, 0, info.Length));
            var reply = new byte[7];
            Assert.AreEqual(BusStatus.NotAcknowledged, chip.Read(reply, 0, 7), "busy while executing");
            chip.Delay.Sleep(5);
            Assert.AreEqual(BusStatus.Ok, chip.Read(reply, 0, 7));
            Assert.AreEqual(7, reply[0]);
            CollectionAssert.AreEqual(new byte[] { 0x00, 0x00, 0x60, 0x02 }, new[] { reply[1], reply[2], reply[3], reply[4] });
            Assert.IsTrue(Atecc608Crc.Check(reply, 0, 7));

            // The same command with one CRC bit wrong: status 0xFF (CRC or communication error).
            info[7] ^= 0x01;
            Assert.AreEqual(BusStatus.Ok, chip.Write(info, 0, info.Length));
            var status = new byte[4];
            Assert.AreEqual(BusStatus.Ok, chip.Read(status, 0, 4));
            CollectionAssert.AreEqual(new byte[] { 0x04, 0xFF }, new[] { status[0], status[1] });
            Assert.IsTrue(Atecc608Crc.Check(status, 0, 4));
            Assert.AreEqual(1, chip.DamagedCommands);

            // A count byte that disagrees with the bytes sent is a communication error too.
            var shortInfo = new byte[] { 0x03, 0x08, 0x30, 0x00, 0x00, 0x00, 0x03, 0x5D };
            chip.Write(shortInfo, 0, shortInfo.Length);
            chip.Read(status, 0, 4);
            Assert.AreEqual(0xFF, status[1]);

            // An opcode the emulator does not implement is a parse error.
            var lockCommand = new byte[] { 0x03, 0x07, 0x17, 0x00, 0x00, 0x00, 0x2E, 0x0D };
            chip.Write(lockCommand, 0, lockCommand.Length);
            chip.Delay.Sleep(5);
            chip.Read(status, 0, 4);
            CollectionAssert.AreEqual(new byte[] { 0x04, 0x03, 0x83, 0x42 }, status);
        }

        [TestMethod]
        public void The_watchdog_puts_an_awake_chip_to_sleep_after_1_3_s_and_refuses_commands_that_would_not_finish()
        {
            using var chip = Atecc608Emulator.CreateProvisioned();
            Wake(chip);
            chip.AdvanceMicroseconds(1_300_000 - 50_000);
            Assert.IsTrue(chip.IsAwake);

            // 50 ms left: less than GenKey's 115 ms, so the chip answers 0xEE without executing it.
            var genKey = new byte[] { 0x03, 0x07, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00 };
            Atecc608Crc.Append(genKey, 1, 5);
            Assert.AreEqual(BusStatus.Ok, chip.Write(genKey, 0, genKey.Length));
            var status = new byte[4];
            Assert.AreEqual(BusStatus.Ok, chip.Read(status, 0, 4));
            Assert.AreEqual(0xEE, status[1]);
            Assert.AreEqual(0, chip.CommandsExecuted);

            chip.AdvanceMicroseconds(50_000);
            Assert.IsFalse(chip.IsAwake);
            Assert.AreEqual(1, chip.WatchdogExpiries);
            Assert.AreEqual(BusStatus.NotAcknowledged, chip.Write(genKey, 0, genKey.Length));
        }

        [TestMethod]
        public void ChipMode_bit_2_lengthens_the_watchdog_to_13_s()
        {
            using var chip = new Atecc608Emulator();
            chip.SetChipMode(0x04);
            Wake(chip);
            chip.AdvanceMicroseconds(2_000_000);
            Assert.IsTrue(chip.IsAwake);
            chip.AdvanceMicroseconds(11_000_000);
            Assert.IsFalse(chip.IsAwake);
        }

        [TestMethod]
        public void Every_driver_operation_is_one_wake_and_leaves_the_chip_asleep()
        {
            using var rig = Atecc608Rig.Provisioned();
            var buffer = new byte[128];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadRevision(buffer, 0));
            Assert.IsFalse(rig.Chip.IsAwake);
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadConfigZone(buffer, 0));
            Assert.IsFalse(rig.Chip.IsAwake);
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Sign(0, new byte[32], 0, buffer, 0));
            Assert.IsFalse(rig.Chip.IsAwake);
            Assert.AreEqual(3, rig.Chip.Wakes);
            Assert.AreEqual(0, rig.Chip.WatchdogExpiries);
            Assert.AreEqual(0, rig.Driver.Retries);
        }

        [TestMethod]
        public void A_chip_left_awake_by_an_interrupted_session_is_put_to_sleep_and_woken_again()
        {
            using var rig = Atecc608Rig.Provisioned();
            Wake(rig.Chip);
            var random = new byte[] { 0x03, 0x07, 0x1B, 0x00, 0x00, 0x00, 0x24, 0xCD };
            rig.Chip.Write(random, 0, random.Length);
            rig.Chip.Delay.Sleep(30);

            // The chip ignores the wake pulse and would hand over the old Random output instead of the wake response.
            var serial = new byte[9];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadSerialNumber(serial, 0));
            CollectionAssert.AreEqual(Atecc608Emulator.DefaultSerialNumber, serial);
            Assert.AreEqual(2, rig.Chip.Wakes);
        }

        [TestMethod]
        public void Revision_says_608A_or_608B()
        {
            var revision = new byte[6];
            using (var rig = Atecc608Rig.Provisioned())
            {
                Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadRevision(revision, 2));
                CollectionAssert.AreEqual(new byte[] { 0, 0, 0x00, 0x00, 0x60, 0x02 }, revision);
            }

            using (var rig = new Atecc608Rig(Atecc608Emulator.CreateProvisioned(revisionB: true)))
            {
                Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadRevision(revision, 0));
                Assert.AreEqual(0x60, revision[2]);
                Assert.AreEqual(0x03, revision[3]);
            }
        }

        /// <summary>The serial number of CryptoAuthLib's ATECC608 test configuration (ATECC608_SER_NUM_VECTOR).</summary>
        [TestMethod]
        public void Serial_number_is_config_bytes_0_to_3_and_8_to_12()
        {
            using var rig = Atecc608Rig.Provisioned();
            var serial = new byte[9];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadSerialNumber(serial, 0));
            CollectionAssert.AreEqual(new byte[] { 0x01, 0x23, 0x72, 0xE8, 0xB9, 0x63, 0xB2, 0xD3, 0xEE }, serial);
        }

        [TestMethod]
        public void Config_zone_and_config_words_read_as_stored()
        {
            using var rig = Atecc608Rig.Provisioned();
            var config = new byte[130];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadConfigZone(config, 1));
            byte[] expected = rig.Chip.ConfigZone();
            for (int i = 0; i < 128; i++)
            {
                Assert.AreEqual(expected[i], config[i + 1], "byte " + i);
            }

            // Word 5 of block 0 is bytes 20-23: SlotConfig of slots 0 and 1 (8F 20 C4 44).
            var word = new byte[4];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadConfigWord(5, word, 0));
            CollectionAssert.AreEqual(new byte[] { 0x8F, 0x20, 0xC4, 0x44 }, word);
        }

        [TestMethod]
        public void Lock_state_follows_the_lock_bytes()
        {
            using (var rig = new Atecc608Rig(new Atecc608Emulator()))
            {
                Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadLockState(out bool config, out bool data));
                Assert.IsFalse(config);
                Assert.IsFalse(data);
                rig.Chip.LockConfigZone();
                Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadLockState(out config, out data));
                Assert.IsTrue(config);
                Assert.IsFalse(data);
            }

            using (var rig = Atecc608Rig.Provisioned())
            {
                Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadLockState(out bool config, out bool data));
                Assert.IsTrue(config);
                Assert.IsTrue(data);
            }
        }

        [TestMethod]
        public void Random_returns_32_new_bytes_each_time()
        {
            using var rig = Atecc608Rig.Provisioned();
            var first = new byte[32];
            var second = new byte[32];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Random(first, 0));
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Random(second, 0));
            CollectionAssert.AreNotEqual(first, second);
            CollectionAssert.AreNotEqual(new byte[32], first);
        }

        internal static void Wake(Atecc608Emulator chip)
        {
            chip.HoldSdaLow(100);
            chip.Delay.Sleep(2);
            var reply = new byte[4];
            Assert.AreEqual(BusStatus.Ok, chip.Read(reply, 0, 4));
            CollectionAssert.AreEqual(WakeResponse, reply);
        }

        private sealed class SilentWake : IAtecc608Wake
        {
            public BusStatus SendWakePulse() => BusStatus.Ok;
        }
    }
}
