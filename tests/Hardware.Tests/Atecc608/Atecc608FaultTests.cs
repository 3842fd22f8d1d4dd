using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Emulation;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests
{
    using AssetMeter.Hardware.Atecc608;

    /// <summary>
    /// Damaged responses, damaged commands, watchdog warnings, NACKs, a chip that stays busy and one that is absent:
    /// each is retried once from a fresh wake where that can help, and otherwise reported, never thrown.
    /// </summary>
    /// <remarks>
    /// Bus transactions of a Sign, numbered as the fault plan counts them (the wake pulse goes to the general-call
    /// address, not through the plan): 1 wake response, 2 Random command, 3-4 its response (count byte, rest),
    /// 5 Nonce, 6-7, 8 Sign, 9-10, 11 sleep; a retry starts again at 12.
    /// </remarks>
    [TestClass]
    public class Atecc608FaultTests
    {
        private const byte Sign = 0x41;

        [TestMethod]
        public void A_corrupted_response_is_retried_from_a_fresh_wake_and_the_signature_is_good()
        {
            using var rig = Atecc608Rig.Provisioned();
            rig.Chip.CorruptResponses(1, Sign);
            byte[] digest = Atecc608Rig.Digest("retry");
            var signature = new byte[64];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Sign(0, digest, 0, signature, 0));
            Assert.AreEqual(1, rig.Driver.Retries);
            Assert.AreEqual(2, rig.Chip.Wakes);
            Assert.IsTrue(Atecc608Rig.VerifiesWithDotNet(rig.Chip.PublicKeyOf(0)!, digest, signature));
        }

        [TestMethod]
        public void A_response_corrupted_twice_is_reported_and_the_output_is_untouched()
        {
            using var rig = Atecc608Rig.Provisioned();
            rig.Chip.CorruptResponses(2, Sign);
            var signature = new byte[64];
            Assert.AreEqual(Atecc608Status.ResponseCorrupted, rig.Driver.Sign(0, new byte[32], 0, signature, 0));
            Assert.AreEqual(Atecc608Status.ResponseCorrupted, rig.Driver.LastStatus);
            CollectionAssert.AreEqual(new byte[64], signature);
            Assert.AreEqual(1, rig.Driver.Retries);
            Assert.IsFalse(rig.Chip.IsAwake);
        }

        [TestMethod]
        public void Corruption_in_the_other_commands_of_a_session_is_retried_too()
        {
            using var rig = Atecc608Rig.Provisioned();
            var serial = new byte[9];
            rig.Chip.CorruptResponses(1, 0x02);
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadSerialNumber(serial, 0));
            CollectionAssert.AreEqual(Atecc608Emulator.DefaultSerialNumber, serial);

            rig.Chip.CorruptResponses(1, 0x16);
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Sign(0, new byte[32], 0, new byte[64], 0));
            Assert.AreEqual(2, rig.Driver.Retries);
        }

        [TestMethod]
        public void A_command_damaged_on_the_wire_is_answered_0xFF_and_sent_again()
        {
            // Transaction 8 is the Sign command; bit 41 flips the slot byte (byte 5 of the write), so the CRC fails.
            var plan = new FaultPlan().At(8, InjectedFault.WriteBitFlip, bit: 41);
            using var rig = Atecc608Rig.Provisioned(plan);
            byte[] digest = Atecc608Rig.Digest("wire");
            var signature = new byte[64];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Sign(0, digest, 0, signature, 0));
            Assert.AreEqual(1, rig.Chip.DamagedCommands);
            Assert.AreEqual(1, rig.Driver.Retries);
            Assert.IsTrue(Atecc608Rig.VerifiesWithDotNet(rig.Chip.PublicKeyOf(0)!, digest, signature));
        }

        [TestMethod]
        public void A_command_damaged_twice_is_reported_as_corrupted()
        {
            var plan = new FaultPlan().At(8, InjectedFault.WriteBitFlip, bit: 41).At(19, InjectedFault.WriteBitFlip, bit: 41);
            using var rig = Atecc608Rig.Provisioned(plan);
            Assert.AreEqual(Atecc608Status.CommandCorrupted, rig.Driver.Sign(0, new byte[32], 0, new byte[64], 0));
            Assert.AreEqual(0xFF, rig.Driver.LastChipStatus);
            Assert.AreEqual(2, rig.Chip.DamagedCommands);
            Assert.AreEqual(0, rig.Chip.Signatures);
        }

        [TestMethod]
        public void A_watchdog_warning_is_retried_once_then_reported()
        {
            using var rig = Atecc608Rig.Provisioned();
            rig.Chip.RefuseCommands(1, 0xEE, Sign);
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Sign(0, new byte[32], 0, new byte[64], 0));
            Assert.AreEqual(1, rig.Driver.Retries);

            rig.Chip.RefuseCommands(2, 0xEE, Sign);
            Assert.AreEqual(Atecc608Status.WatchdogExpired, rig.Driver.Sign(0, new byte[32], 0, new byte[64], 0));
            Assert.AreEqual(0xEE, rig.Driver.LastChipStatus);
            Assert.AreEqual(2, rig.Driver.Retries);
        }

        [TestMethod]
        public void A_real_watchdog_shortfall_on_a_slow_chip_is_reported_not_hidden()
        {
            // A 13 s watchdog is the only other choice, so emulate a chip whose commands overrun 1.3 s by refusing
            // with 0xEE every time, as such a chip would; the driver gives up after one retry.
            using var rig = Atecc608Rig.Provisioned();
            rig.Chip.RefuseCommands(10, 0xEE);
            Assert.AreEqual(Atecc608Status.WatchdogExpired, rig.Driver.ReadRevision(new byte[4], 0));
            Assert.AreEqual(2, rig.Chip.Wakes);
        }

        [TestMethod]
        [DataRow((byte)0x03, Atecc608Status.ParseError)]
        [DataRow((byte)0x05, Atecc608Status.EccFault)]
        [DataRow((byte)0x07, Atecc608Status.SelfTestFailed)]
        [DataRow((byte)0x08, Atecc608Status.HealthTestFailed)]
        [DataRow((byte)0x0F, Atecc608Status.ExecutionError)]
        [DataRow((byte)0x42, Atecc608Status.UnexpectedResponse)]
        public void Other_chip_refusals_are_reported_at_once(byte chipStatus, Atecc608Status expected)
        {
            using var rig = Atecc608Rig.Provisioned();
            rig.Chip.RefuseCommands(1, chipStatus, Sign);
            Assert.AreEqual(expected, rig.Driver.Sign(0, new byte[32], 0, new byte[64], 0));
            Assert.AreEqual(chipStatus, rig.Driver.LastChipStatus);
            Assert.AreEqual(0, rig.Driver.Retries);
            Assert.AreEqual(1, rig.Chip.Wakes);
        }

        [TestMethod]
        public void A_nack_on_a_command_is_reported_and_the_next_operation_works()
        {
            // ReadPublicKey: 1 wake response, 2 GenKey command (NACKed here), 3 sleep.
            var plan = new FaultPlan().At(2, InjectedFault.Nack);
            using var rig = Atecc608Rig.Provisioned(plan);
            var publicKey = new byte[64];
            Assert.AreEqual(Atecc608Status.BusError, rig.Driver.ReadPublicKey(0, publicKey, 0));
            Assert.AreEqual(BusStatus.NotAcknowledged, rig.Driver.LastBusStatus);
            CollectionAssert.AreEqual(new byte[64], publicKey);
            Assert.AreEqual(1, plan.Injected.Count);

            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadPublicKey(0, publicKey, 0));
            Assert.AreEqual(BusStatus.Ok, rig.Driver.LastBusStatus);
            CollectionAssert.AreEqual(rig.Chip.PublicKeyOf(0), publicKey);
        }

        [TestMethod]
        public void A_nack_while_polling_looks_like_busy_and_is_polled_through()
        {
            // Transaction 3 is the first poll for the Info response.
            var plan = new FaultPlan().At(3, InjectedFault.Nack);
            using var rig = Atecc608Rig.Provisioned(plan);
            var revision = new byte[4];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadRevision(revision, 0));
            Assert.AreEqual(0x60, revision[2]);
        }

        [TestMethod]
        public void A_nacked_wake_response_is_retried_with_a_second_wake()
        {
            var plan = new FaultPlan().At(1, InjectedFault.Nack);
            using var rig = Atecc608Rig.Provisioned(plan);
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadRevision(new byte[4], 0));
        }

        [TestMethod]
        public void A_chip_that_stays_busy_times_out()
        {
            var plan = new FaultPlan();
            for (int transaction = 3; transaction < 40; transaction++)
            {
                plan.At(transaction, InjectedFault.Nack);
            }

            using var rig = Atecc608Rig.Provisioned(plan);
            long before = rig.Chip.NowMicroseconds;
            Assert.AreEqual(Atecc608Status.Timeout, rig.Driver.ReadRevision(new byte[4], 0));
            Assert.AreEqual(BusStatus.NotAcknowledged, rig.Driver.LastBusStatus);

            // It gave up after the slowest Info time (5 ms at clock divider M2, plus 20 ms), well inside the watchdog.
            long elapsed = rig.Chip.NowMicroseconds - before;
            Assert.IsTrue(elapsed >= 25_000 && elapsed < 60_000, elapsed.ToString());
        }

        [TestMethod]
        public void A_chip_in_self_test_failure_says_so_at_wake()
        {
            using var rig = Atecc608Rig.Provisioned();
            rig.Chip.FailSelfTest = true;
            Assert.AreEqual(Atecc608Status.SelfTestFailed, rig.Driver.Sign(0, new byte[32], 0, new byte[64], 0));
            Assert.AreEqual(0x07, rig.Driver.LastChipStatus);
            Assert.AreEqual(0, rig.Chip.CommandsExecuted);
        }

        [TestMethod]
        public void An_absent_chip_is_a_failed_wake()
        {
            var plan = new FaultPlan { NackProbability = 1.0 };
            using var rig = Atecc608Rig.Provisioned(plan);
            var serial = new byte[9];
            Assert.AreEqual(Atecc608Status.WakeFailed, rig.Driver.ReadSerialNumber(serial, 0));
            Assert.AreEqual(BusStatus.NotAcknowledged, rig.Driver.LastBusStatus);
            Assert.AreEqual(Atecc608Status.WakeFailed, rig.Driver.Verify(new byte[32], 0, new byte[64], 0, new byte[64], 0));
        }

        [TestMethod]
        public void Under_random_read_noise_no_bad_signature_is_ever_reported_as_good()
        {
            var plan = new FaultPlan { ReadBitFlipProbability = 0.04, Seed = 21 };
            using var rig = Atecc608Rig.Provisioned(plan);
            byte[] publicKey = rig.Chip.PublicKeyOf(0)!;
            int good = 0;
            int reported = 0;
            for (int i = 0; i < 150; i++)
            {
                byte[] digest = Atecc608Rig.Digest("period " + i);
                var signature = new byte[64];
                Atecc608Status status = rig.Driver.Sign(0, digest, 0, signature, 0);
                if (status == Atecc608Status.Ok)
                {
                    Assert.IsTrue(Atecc608Rig.VerifiesWithDotNet(publicKey, digest, signature), "signature " + i);
                    good++;
                }
                else
                {
                    Assert.IsTrue(status == Atecc608Status.ResponseCorrupted || status == Atecc608Status.WakeFailed, status.ToString());
                    reported++;
                }
            }

            Assert.IsTrue(rig.Driver.Retries > 10, "noise was injected and retried: " + rig.Driver.Retries);
            Assert.IsTrue(good > 140, good + " good, " + reported + " reported");
            Assert.AreEqual(0, rig.Chip.WatchdogExpiries);
        }
    }
}
