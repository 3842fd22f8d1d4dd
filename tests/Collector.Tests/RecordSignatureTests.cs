using AssetMeter.Collector.Records;
using AssetMeter.Collector.Verification;
using AssetMeter.Metrology.Periods;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Collector.Tests
{
    [TestClass]
    public sealed class RecordSignatureTests
    {
        [TestMethod]
        public void A_kept_key_gives_way_to_a_rotated_one_at_once()
        {
            using var before = new TestMeter("am-rotating");
            using var after = new TestMeter("am-rotating");
            HalfHourPeriod period = TestMeter.Periods(TestMeter.Day, 1)[0];
            OcmfEnvelope signedBefore = Envelope(before.Record(period));
            OcmfEnvelope signedAfter = Envelope(after.Record(period));
            using var signatures = new RecordSignature();

            Assert.IsNull(signatures.Verify(before.Registration, signedBefore));
            Assert.IsNotNull(signatures.Verify(before.Registration, signedAfter), "another key's record");

            // The registry now holds the new key: the one kept from before must not be used.
            Assert.IsNull(signatures.Verify(after.Registration, signedAfter));
            Assert.IsNotNull(signatures.Verify(after.Registration, signedBefore), "the retired key's record");
        }

        [TestMethod]
        public void One_changed_byte_fails_with_a_kept_key()
        {
            using var meter = new TestMeter();
            HalfHourPeriod period = TestMeter.Periods(TestMeter.Day, 1)[0];
            byte[] record = meter.Record(period);
            using var signatures = new RecordSignature();
            Assert.IsNull(signatures.Verify(meter.Registration, Envelope(record)));

            int at = System.Array.IndexOf(record, (byte)'"', 20) + 1;
            record[at] ^= 0x01;
            Assert.IsNotNull(signatures.Verify(meter.Registration, Envelope(record)));
        }

        private static OcmfEnvelope Envelope(byte[] record)
        {
            OcmfEnvelope? envelope = OcmfEnvelope.TryParse(record, out string error);
            Assert.IsNotNull(envelope, error);
            return envelope;
        }
    }
}
