using AssetMeter.Metrology.Energy;
#if NANOFRAMEWORK_1_0
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif

namespace AssetMeter.Tests.Metrology
{
    [TestClass]
    public class EnergyDeltaDecoderTests
    {
        private const long OneSecond = 10000000;

        // 1 mWh per count keeps the limits easy to reason about: 125 kW for one second is 34.7 Wh, 34,723 counts.
        private static EnergyScale MilliwattHourCounts()
        {
            return new EnergyScale(1000, 1);
        }

        [TestMethod]
        public void Accumulating_24_bit_register_wraps_forward_as_import()
        {
            EnergyDeltaDecoder decoder = new EnergyDeltaDecoder(RegisterKind.Signed24Accumulating, MilliwattHourCounts(), EnergyDeltaDecoder.Type5MaximumDemandWatts);
            Assert.AreEqual((int)DeltaStatus.Baseline, (int)decoder.DecodeSigned24(0xFFFFF0, OneSecond).Status);

            EnergyDelta delta = decoder.DecodeSigned24(0x000010, OneSecond);
            Assert.AreEqual((int)DeltaStatus.Accepted, (int)delta.Status);
            Assert.AreEqual(0x20L, delta.ImportCounts);
            Assert.AreEqual(0L, delta.ExportCounts);
        }

        [TestMethod]
        public void Accumulating_24_bit_register_running_backwards_is_export()
        {
            EnergyDeltaDecoder decoder = new EnergyDeltaDecoder(RegisterKind.Signed24Accumulating, MilliwattHourCounts(), EnergyDeltaDecoder.Type5MaximumDemandWatts);
            decoder.DecodeSigned24(0x000010, OneSecond);
            EnergyDelta delta = decoder.DecodeSigned24(0xFFFFF0, OneSecond);
            Assert.AreEqual((int)DeltaStatus.Accepted, (int)delta.Status);
            Assert.AreEqual(0L, delta.ImportCounts);
            Assert.AreEqual(0x20L, delta.ExportCounts);
        }

        [TestMethod]
        public void Clear_on_read_24_bit_register_is_sign_extended()
        {
            EnergyDeltaDecoder decoder = new EnergyDeltaDecoder(RegisterKind.Signed24ClearOnRead, MilliwattHourCounts(), EnergyDeltaDecoder.Type5MaximumDemandWatts);
            EnergyDelta export = decoder.DecodeSigned24(0xFFFFFF, OneSecond);
            Assert.AreEqual(1L, export.ExportCounts);
            Assert.AreEqual(0L, export.ImportCounts);

            EnergyDelta import = decoder.DecodeSigned24(0x001000, OneSecond);
            Assert.AreEqual(0x1000L, import.ImportCounts);
        }

        [TestMethod]
        public void Sign_extension_of_24_bit_values()
        {
            Assert.AreEqual(-1, EnergyDeltaDecoder.SignExtend24(0xFFFFFF));
            Assert.AreEqual(-8388608, EnergyDeltaDecoder.SignExtend24(0x800000));
            Assert.AreEqual(8388607, EnergyDeltaDecoder.SignExtend24(0x7FFFFF));
            Assert.AreEqual(5, EnergyDeltaDecoder.SignExtend24(0x7000005));
        }

        [TestMethod]
        public void Sixteen_bit_pair_counts_forward_as_import_and_reverse_as_export()
        {
            EnergyDeltaDecoder decoder = new EnergyDeltaDecoder(RegisterKind.Unsigned16ClearOnRead, new EnergyScale(3125, 1), EnergyDeltaDecoder.Type5MaximumDemandWatts);
            EnergyDelta delta = decoder.DecodeUnsigned16Pair(9, 2, OneSecond);
            Assert.AreEqual((int)DeltaStatus.Accepted, (int)delta.Status);
            Assert.AreEqual(9L, delta.ImportCounts);
            Assert.AreEqual(2L, delta.ExportCounts);
        }

        [TestMethod]
        public void A_delta_beyond_the_maximum_demand_is_refused_not_counted()
        {
            // 3.125 mWh per count: 125 kW for one second is 34.7 Wh, about 11,112 counts; 65,535 is impossible.
            EnergyDeltaDecoder decoder = new EnergyDeltaDecoder(RegisterKind.Unsigned16ClearOnRead, new EnergyScale(3125, 1), EnergyDeltaDecoder.Type5MaximumDemandWatts);
            EnergyDelta delta = decoder.DecodeUnsigned16Pair(65535, 3, OneSecond);
            Assert.AreEqual((int)DeltaStatus.Implausible, (int)delta.Status);
            Assert.AreEqual(0L, delta.ImportCounts);
            Assert.AreEqual(3L, delta.ExportCounts);
            Assert.AreEqual(65535L, delta.RejectedCounts);

            // 100 kW for one second is exactly plausible.
            long hundredKilowattSecond = new EnergyScale(3125, 1).CountsFor(100000, OneSecond);
            Assert.AreEqual(8889L, hundredKilowattSecond);
            Assert.AreEqual((int)DeltaStatus.Accepted, (int)decoder.DecodeUnsigned16Pair((int)hundredKilowattSecond, 0, OneSecond).Status);
        }

        [TestMethod]
        public void A_garbled_accumulating_read_is_refused_and_the_next_good_read_counts_everything()
        {
            EnergyDeltaDecoder decoder = new EnergyDeltaDecoder(RegisterKind.Signed24Accumulating, MilliwattHourCounts(), EnergyDeltaDecoder.Type5MaximumDemandWatts);
            decoder.DecodeSigned24(1000, OneSecond);

            // Bit 22 flipped on the bus: a jump of 4 million counts in a second.
            EnergyDelta garbled = decoder.DecodeSigned24(1100 | 0x400000, OneSecond);
            Assert.AreEqual((int)DeltaStatus.Implausible, (int)garbled.Status);
            Assert.AreEqual(0L, garbled.ImportCounts);

            EnergyDelta good = decoder.DecodeSigned24(1200, OneSecond);
            Assert.AreEqual((int)DeltaStatus.Accepted, (int)good.Status);
            Assert.AreEqual(200L, good.ImportCounts);
        }

        [TestMethod]
        public void A_register_that_really_jumped_is_rebaselined_after_two_consistent_reads()
        {
            EnergyDeltaDecoder decoder = new EnergyDeltaDecoder(RegisterKind.Signed24Accumulating, MilliwattHourCounts(), EnergyDeltaDecoder.Type5MaximumDemandWatts);
            decoder.DecodeSigned24(5000000, OneSecond);
            Assert.AreEqual((int)DeltaStatus.Implausible, (int)decoder.DecodeSigned24(100, OneSecond).Status);

            EnergyDelta after = decoder.DecodeSigned24(400, OneSecond);
            Assert.AreEqual((int)DeltaStatus.Rebaselined, (int)after.Status);
            Assert.AreEqual(300L, after.ImportCounts);
            Assert.AreEqual(400, decoder.Baseline);
        }

        [TestMethod]
        public void After_a_known_chip_reset_everything_since_zero_is_counted()
        {
            EnergyDeltaDecoder decoder = new EnergyDeltaDecoder(RegisterKind.Signed24Accumulating, MilliwattHourCounts(), EnergyDeltaDecoder.Type5MaximumDemandWatts);
            decoder.DecodeSigned24(5000000, OneSecond);
            decoder.ResetBaseline(true);
            EnergyDelta delta = decoder.DecodeSigned24(250, OneSecond);
            Assert.AreEqual((int)DeltaStatus.Accepted, (int)delta.Status);
            Assert.AreEqual(250L, delta.ImportCounts);
        }

        [TestMethod]
        public void Elapsed_time_of_refused_reads_counts_toward_the_next_limit()
        {
            EnergyDeltaDecoder decoder = new EnergyDeltaDecoder(RegisterKind.Signed24Accumulating, MilliwattHourCounts(), EnergyDeltaDecoder.Type5MaximumDemandWatts);
            decoder.DecodeSigned24(0, OneSecond);
            long limit = decoder.LimitCounts(OneSecond);

            // Two seconds of near-maximum demand arriving after one refused read is plausible over two seconds.
            decoder.DecodeSigned24(0x7FFFFF, OneSecond);
            EnergyDelta delta = decoder.DecodeSigned24((int)(limit + (limit / 2)), OneSecond);
            Assert.AreEqual((int)DeltaStatus.Accepted, (int)delta.Status);
            Assert.AreEqual(limit + (limit / 2), delta.ImportCounts);
        }
    }
}
