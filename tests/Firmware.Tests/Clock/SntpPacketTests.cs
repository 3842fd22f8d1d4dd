using System;
using AssetMeter.Firmware.Clock;
using AssetMeter.Metrology.Arithmetic;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Clock
{
    [TestClass]
    public class SntpPacketTests
    {
        private static readonly long Now = new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc).Ticks;

        // A server reply to `request`, with receive time t2 and transmit time t3 (UTC ticks).
        internal static byte[] Reply(byte[] request, long t2, long t3, int leap = 0, int stratum = 2, int mode = 4)
        {
            var reply = new byte[48];
            reply[0] = (byte)((leap << 6) | (4 << 3) | mode);
            reply[1] = (byte)stratum;
            BigEndian.WriteUInt32(reply, 4, 0x00000100);   // root delay 1/256 s
            BigEndian.WriteUInt32(reply, 8, 0x00000080);   // root dispersion 1/512 s
            Array.Copy(request, 40, reply, 24, 8);
            NtpTimestamp.Write(reply, 32, t2);
            NtpTimestamp.Write(reply, 40, t3);
            return reply;
        }

        [TestMethod]
        public void Ntp_timestamps_round_trip_across_the_2036_era_change()
        {
            Prop.ForAll(Gen.Choose(0, 1_700_000_000).ToArbitrary(), seconds =>
            {
                long ticks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks + ((long)seconds * 40 * TimeSpan.TicksPerSecond / 17) + (seconds % 9_999_999);
                var buffer = new byte[8];
                NtpTimestamp.Write(buffer, 0, ticks);
                Assert.IsTrue(Math.Abs(NtpTimestamp.Read(buffer, 0) - ticks) <= 1, $"{new DateTime(ticks):O}");
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));

            var era = new byte[8];
            NtpTimestamp.Write(era, 0, NtpTimestamp.Era1Ticks + TimeSpan.TicksPerSecond);
            Assert.AreEqual(1u, BigEndian.ReadUInt32(era, 0), "2036-02-07T06:28:17Z is second 1 of era 1");
        }

        [TestMethod]
        public void Offset_and_delay_come_from_the_four_timestamps()
        {
            var request = new byte[48];
            SntpPacket.BuildRequest(request, 12345);
            Assert.AreEqual(0x23, request[0], "LI 0, version 4, client mode");

            // Sent at monotonic 1000 s, received at 1000.020 s; the server (true UTC) got it at Now + 5 ms and replied 1 ms later.
            long t1 = 1000 * TimeSpan.TicksPerSecond;
            long t4 = t1 + (20 * TimeSpan.TicksPerMillisecond);
            long t2 = Now + (5 * TimeSpan.TicksPerMillisecond);
            long t3 = t2 + TimeSpan.TicksPerMillisecond;
            var reply = Reply(request, t2, t3);
            Assert.AreEqual(SntpStatus.Ok, SntpPacket.ParseReply(reply, 48, request, t1, t4, out var sample));
            Assert.AreEqual(19 * TimeSpan.TicksPerMillisecond, sample.DelayTicks);

            // NTP's 2^-32 s fraction can lose one 100 ns tick on the way; the offset is exact to that.
            long expected = ((t2 - t1) + (t3 - t4)) / 2;
            Assert.IsTrue(Math.Abs(expected - sample.UtcMinusMonotonicTicks) <= 1);
            Assert.AreEqual(t1 + (10 * TimeSpan.TicksPerMillisecond), sample.MonotonicTicks);
            Assert.AreEqual(2, sample.Stratum);
        }

        [TestMethod]
        [DataRow(0, 2, 4, 40, SntpStatus.TooShort)]
        [DataRow(0, 2, 5, 48, SntpStatus.NotServerReply)]
        [DataRow(3, 2, 4, 48, SntpStatus.ServerUnsynchronised)]
        [DataRow(0, 0, 4, 48, SntpStatus.KissOfDeath)]
        [DataRow(0, 16, 4, 48, SntpStatus.BadStratum)]
        public void Unusable_replies_are_refused(int leap, int stratum, int mode, int length, SntpStatus expected)
        {
            var request = new byte[48];
            SntpPacket.BuildRequest(request, 7);
            var reply = Reply(request, Now, Now, leap, stratum, mode);
            Assert.AreEqual(expected, SntpPacket.ParseReply(reply, length, request, 0, 100, out _));
        }

        [TestMethod]
        public void A_reply_to_another_request_is_refused()
        {
            var request = new byte[48];
            SntpPacket.BuildRequest(request, 7);
            var other = new byte[48];
            SntpPacket.BuildRequest(other, 8);
            Assert.AreEqual(SntpStatus.OriginateMismatch, SntpPacket.ParseReply(Reply(other, Now, Now), 48, request, 0, 100, out _));
            Assert.AreEqual(SntpStatus.BadTimestamps, SntpPacket.ParseReply(Reply(request, Now, Now - 1), 48, request, 0, 100, out _));
        }
    }
}
