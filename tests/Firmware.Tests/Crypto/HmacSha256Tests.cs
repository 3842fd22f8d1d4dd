using System;
using System.Security.Cryptography;
using System.Text;
using AssetMeter.Firmware.Crypto;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Crypto
{
    [TestClass]
    public class HmacSha256Tests
    {
        private static byte[] Repeat(byte value, int count)
        {
            var bytes = new byte[count];
            bytes.AsSpan().Fill(value);
            return bytes;
        }

        private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

        // RFC 4231 §4.2-4.8: key, data and HMAC-SHA-256 of test cases 1 to 7 (case 5 is truncated to 128 bits by the RFC).
        private static (byte[] Key, byte[] Data, string Mac) Rfc4231(int testCase)
        {
            switch (testCase)
            {
                case 1: return (Repeat(0x0b, 20), Ascii("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
                case 2: return (Ascii("Jefe"), Ascii("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
                case 3: return (Repeat(0xaa, 20), Repeat(0xdd, 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
                case 4: return (Convert.FromHexString("0102030405060708090a0b0c0d0e0f10111213141516171819"), Repeat(0xcd, 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
                case 5: return (Repeat(0x0c, 20), Ascii("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b");
                case 6: return (Repeat(0xaa, 131), Ascii("Test Using Larger Than Block-Size Key - Hash Key First"), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
                default:
                    return (Repeat(0xaa, 131),
                        Ascii("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."),
                        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
            }
        }

        [TestMethod]
        [DataRow(1)]
        [DataRow(2)]
        [DataRow(3)]
        [DataRow(4)]
        [DataRow(5)]
        [DataRow(6)]
        [DataRow(7)]
        public void Rfc4231_test_cases(int testCase)
        {
            (byte[] key, byte[] data, string expected) = Rfc4231(testCase);
            var mac = new byte[32];
            HmacSha256.Compute(key, data, 0, data.Length, mac, 0);
            Assert.AreEqual(expected, Convert.ToHexStringLower(mac, 0, expected.Length / 2), "one-shot");

            // Incremental, byte by byte, twice through one instance (Final re-arms it under the same key).
            var hmac = new HmacSha256(key);
            for (int round = 0; round < 2; round++)
            {
                for (int i = 0; i < data.Length; i++)
                {
                    hmac.Update(data, i, 1);
                }

                Array.Clear(mac);
                hmac.Final(mac, 0);
                Assert.AreEqual(expected, Convert.ToHexStringLower(mac, 0, expected.Length / 2), $"incremental, round {round}");
            }
        }

        [TestMethod]
        public void Random_keys_and_messages_agree_with_dotnet()
        {
            Prop.ForAll(Gen.Choose(0, 200).ToArbitrary(), Gen.Choose(0, 3000).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (keyLength, length, seed) =>
            {
                var random = new Random(seed);
                var key = new byte[keyLength];
                var message = new byte[length];
                random.NextBytes(key);
                random.NextBytes(message);
                string expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, message));

                var mac = new byte[32];
                HmacSha256.Compute(key, message, 0, length, mac, 0);
                Assert.AreEqual(expected, Convert.ToHexStringLower(mac), "one-shot");

                // A key taken from inside a larger array, re-keying an instance that held another key.
                var hmac = new HmacSha256(new byte[] { 1, 2, 3 });
                var keyHolder = new byte[keyLength + 10];
                Array.Copy(key, 0, keyHolder, 4, keyLength);
                hmac.SetKey(keyHolder, 4, keyLength);
                int at = 0;
                while (at < length)
                {
                    int piece = random.Next(0, Math.Min(length - at, 200) + 1);
                    hmac.Update(message, at, piece);
                    at += piece;
                }

                var output = new byte[40];
                hmac.Final(output, 8);
                Assert.AreEqual(expected, Convert.ToHexStringLower(output, 8, 32), "incremental");
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
        }

        [TestMethod]
        public void Initialize_discards_the_message_but_keeps_the_key()
        {
            byte[] key = Ascii("Jefe");
            var hmac = new HmacSha256(key, 0, key.Length);
            hmac.Update(Ascii("noise"), 0, 5);
            hmac.Initialize();
            byte[] data = Ascii("what do ya want for nothing?");
            hmac.Update(data, 0, data.Length);
            var mac = new byte[32];
            hmac.Final(mac, 0);
            Assert.AreEqual("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", Convert.ToHexStringLower(mac));
        }

        [TestMethod]
        public void FixedTimeEquals_compares_ranges()
        {
            byte[] a = { 1, 2, 3, 4, 5 };
            byte[] b = { 9, 2, 3, 4, 9 };
            Assert.IsTrue(HmacSha256.FixedTimeEquals(a, 1, b, 1, 3));
            Assert.IsFalse(HmacSha256.FixedTimeEquals(a, 0, b, 0, 3));
            Assert.IsFalse(HmacSha256.FixedTimeEquals(a, 2, b, 2, 3), "last byte differs");
            Assert.IsTrue(HmacSha256.FixedTimeEquals(a, 0, b, 0, 0), "empty ranges are equal");
            Assert.IsFalse(HmacSha256.FixedTimeEquals(a, 3, b, 3, 3), "range past the end");
            Assert.IsFalse(HmacSha256.FixedTimeEquals(a, -1, b, 0, 1));
            Assert.IsFalse(HmacSha256.FixedTimeEquals(null!, 0, b, 0, 0));
            Assert.IsTrue(HmacSha256.FixedTimeEquals(new byte[] { 7, 8 }, new byte[] { 7, 8 }));
            Assert.IsFalse(HmacSha256.FixedTimeEquals(new byte[] { 7, 8 }, new byte[] { 7, 8, 0 }));
            Assert.IsFalse(HmacSha256.FixedTimeEquals(new byte[] { 7, 8 }, new byte[] { 7, 9 }));
        }
    }
}
