using System;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests
{
    using AssetMeter.Hardware.Atecc608;

    /// <summary>
    /// The packet CRC-16 against known answers from public sources, and against the Linux kernel's formulation of the
    /// same CRC (bit-reversed CRC-16/ARC, drivers/crypto/atmel-i2c.c: cpu_to_le16(bitrev16(crc16(0, data, len)))).
    /// </summary>
    [TestClass]
    public class Atecc608CrcTests
    {
        /// <summary>
        /// Packets whose last two bytes are the CRC of the others:
        /// - 04 11 33 43: the wake response in Microchip CryptoAuthLib lib/hal/atca_hal.c (hal_check_wake), commit 788acf6.
        /// - 07 30 00 00 00 03 5D: the Info command, "correct CRC: 0x035D" in SparkFun's CRC test sketch (Pete Lewis,
        ///   Aug 2019) written from Microchip application note Atmel-8936 (CryptoAuth data zone CRC calculation).
        /// - The rest: the sample packets of the Atmel Single-Wire Interface analyzer for Saleae Logic
        ///   (AtmelSWISimulationDataGenerator.cpp: RandomBlockSent, ReadBlockSent/Received, UpdateExtraBlockReceived,
        ///   CheckMacBlockReceived, WriteBlockReceived, DeriveKeyBlockReceived); SWI and I2C packets are the same.
        /// </summary>
        [TestMethod]
        [DataRow(new byte[] { 0x04, 0x11, 0x33, 0x43 })]
        [DataRow(new byte[] { 0x07, 0x30, 0x00, 0x00, 0x00, 0x03, 0x5D })]
        [DataRow(new byte[] { 0x07, 0x1B, 0x00, 0x00, 0x00, 0x24, 0xCD })]
        [DataRow(new byte[] { 0x07, 0x02, 0x00, 0x00, 0x00, 0x1E, 0x2D })]
        [DataRow(new byte[] { 0x07, 0x01, 0x23, 0x4A, 0xB6, 0x04, 0xCF })]
        [DataRow(new byte[] { 0x04, 0x00, 0x03, 0x40 })]
        [DataRow(new byte[] { 0x04, 0x01, 0x00, 0xC3 })]
        [DataRow(new byte[] { 0x04, 0x03, 0x83, 0x42 })]
        [DataRow(new byte[] { 0x04, 0x0F, 0x23, 0x42 })]
        public void Known_packets_carry_the_crc_of_their_bytes(byte[] packet)
        {
            Assert.IsTrue(Atecc608Crc.Check(packet, 0, packet.Length));

            var rebuilt = new byte[packet.Length];
            Array.Copy(packet, rebuilt, packet.Length - 2);
            Atecc608Crc.Append(rebuilt, 0, packet.Length - 2);
            CollectionAssert.AreEqual(packet, rebuilt);
        }

        /// <summary>
        /// CryptoAuthLib's hal_check_wake also compares against a self-test-failure response 04 07 C4 40, but C4 40 is
        /// not the CRC of 04 07 by CryptoAuthLib's own atCRC (nor by the Linux formulation): it is 40 C2. Either the
        /// constant is wrong or the chip sends a bad CRC there; the driver recognises both (see Atecc608.Wake).
        /// </summary>
        [TestMethod]
        public void The_self_test_failure_response_in_cryptoauthlib_does_not_carry_a_valid_crc()
        {
            Assert.IsFalse(Atecc608Crc.Check(new byte[] { 0x04, 0x07, 0xC4, 0x40 }, 0, 4));
            Assert.AreEqual(0xC240, Atecc608Crc.Compute(new byte[] { 0x04, 0x07 }, 0, 2));
        }

        [TestMethod]
        public void Crc_of_nothing_is_zero_and_offsets_are_honoured()
        {
            Assert.AreEqual(0, Atecc608Crc.Compute(new byte[0], 0, 0));
            var framed = new byte[] { 0xAA, 0x07, 0x30, 0x00, 0x00, 0x00, 0x03, 0x5D, 0xBB };
            Assert.AreEqual(0x5D03, Atecc608Crc.Compute(framed, 1, 5));
            Assert.IsTrue(Atecc608Crc.Check(framed, 1, 7));
            Assert.IsFalse(Atecc608Crc.Check(framed, 0, 2));
        }

        [TestMethod]
        public void Every_single_bit_error_in_a_response_is_caught()
        {
            var packet = new byte[67];
            new Random(3).NextBytes(packet);
            packet[0] = 67;
            Atecc608Crc.Append(packet, 0, 65);
            for (int bit = 0; bit < packet.Length * 8; bit++)
            {
                packet[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.IsFalse(Atecc608Crc.Check(packet, 0, packet.Length), "bit " + bit);
                packet[bit / 8] ^= (byte)(1 << (bit % 8));
            }

            Assert.IsTrue(Atecc608Crc.Check(packet, 0, packet.Length));
        }

        [TestMethod]
        public void Matches_the_linux_kernel_formulation_on_random_data()
        {
            var random = new Random(11);
            for (int trial = 0; trial < 500; trial++)
            {
                var data = new byte[random.Next(0, 160)];
                random.NextBytes(data);
                Assert.AreEqual(BitReverse16(Crc16Arc(data)), Atecc608Crc.Compute(data, 0, data.Length));
            }
        }

        /// <summary>CRC-16/ARC as lib/crc16.c computes it: reflected polynomial 0xA001, register from 0, LSB first.</summary>
        private static int Crc16Arc(byte[] data)
        {
            int crc = 0;
            foreach (byte b in data)
            {
                crc ^= b;
                for (int i = 0; i < 8; i++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1;
                }
            }

            return crc;
        }

        private static int BitReverse16(int value)
        {
            int result = 0;
            for (int i = 0; i < 16; i++)
            {
                result = (result << 1) | ((value >> i) & 1);
            }

            return result;
        }
    }
}
