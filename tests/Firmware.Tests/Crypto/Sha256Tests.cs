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
    public class Sha256Tests
    {
        private static string HashHex(byte[] message)
        {
            var digest = new byte[32];
            Sha256.Hash(message, 0, message.Length, digest, 0);
            return Convert.ToHexStringLower(digest);
        }

        // FIPS 180-4 examples (NIST CSRC "Examples with intermediate values", SHA256.pdf and SHA2_Additional.pdf).
        [TestMethod]
        [DataRow("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
        [DataRow("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
        [DataRow("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
        public void Nist_examples(string message, string expected)
        {
            Assert.AreEqual(expected, HashHex(Encoding.ASCII.GetBytes(message)));
        }

        [TestMethod]
        public void One_million_a()
        {
            const string Expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
            var million = new byte[1_000_000];
            million.AsSpan().Fill((byte)'a');
            Assert.AreEqual(Expected, HashHex(million));

            // The same message in uneven pieces through one instance.
            var sha = new Sha256();
            var chunk = new byte[997];
            chunk.AsSpan().Fill((byte)'a');
            int left = million.Length;
            while (left > 0)
            {
                int count = Math.Min(left, chunk.Length);
                sha.Update(chunk, 0, count);
                left -= count;
            }

            var digest = new byte[32];
            sha.Final(digest, 0);
            Assert.AreEqual(Expected, Convert.ToHexStringLower(digest));
        }

        [TestMethod]
        public void Padding_boundaries_agree_with_dotnet()
        {
            // Lengths around the 55/56/64-byte points where the length field spills into a second block.
            for (int length = 0; length <= 200; length++)
            {
                var message = new byte[length];
                for (int i = 0; i < length; i++)
                {
                    message[i] = (byte)(i * 7);
                }

                Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(message)), HashHex(message), $"length {length}");
            }
        }

        [TestMethod]
        public void Random_messages_and_split_points_agree_with_dotnet()
        {
            var sha = new Sha256();
            Prop.ForAll(Gen.Choose(0, 5000).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (length, seed) =>
            {
                var random = new Random(seed);
                var message = new byte[length];
                random.NextBytes(message);
                string expected = Convert.ToHexStringLower(SHA256.HashData(message));

                // One shot, with the message and the digest placed at offsets inside larger arrays.
                int before = random.Next(0, 70);
                var padded = new byte[before + length + 13];
                random.NextBytes(padded);
                Array.Copy(message, 0, padded, before, length);
                var output = new byte[32 + 9];
                Sha256.Hash(padded, before, length, output, 5);
                Assert.AreEqual(expected, Convert.ToHexStringLower(output, 5, 32), "one-shot");

                // Incremental, cut at random points (empty pieces included), reusing one instance.
                int at = 0;
                while (at < length)
                {
                    int piece = random.Next(0, Math.Min(length - at, 300) + 1);
                    sha.Update(message, at, piece);
                    at += piece;
                }

                sha.Update(message, length, 0);
                var digest = new byte[32];
                sha.Final(digest, 0);
                Assert.AreEqual(expected, Convert.ToHexStringLower(digest), "incremental");
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(400));
        }

        [TestMethod]
        public void Final_starts_a_new_message_and_Initialize_discards_input()
        {
            var sha = new Sha256();
            var digest = new byte[32];
            byte[] abc = Encoding.ASCII.GetBytes("abc");
            sha.Update(abc, 0, 3);
            sha.Final(digest, 0);
            sha.Update(abc, 0, 3);
            sha.Final(digest, 0);
            Assert.AreEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(digest));

            sha.Update(Encoding.ASCII.GetBytes("garbage"), 0, 7);
            sha.Initialize();
            sha.Final(digest, 0);
            Assert.AreEqual("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(digest));
        }

        [TestMethod]
        public void Bad_ranges_throw()
        {
            var sha = new Sha256();
            var buffer = new byte[10];
            AssertThrows<ArgumentNullException>(() => sha.Update(null!, 0, 0));
            AssertThrows<ArgumentOutOfRangeException>(() => sha.Update(buffer, -1, 1));
            AssertThrows<ArgumentOutOfRangeException>(() => sha.Update(buffer, 5, 6));
            AssertThrows<ArgumentOutOfRangeException>(() => sha.Update(buffer, 1, int.MaxValue));
            AssertThrows<ArgumentOutOfRangeException>(() => sha.Final(new byte[40], 9));
            AssertThrows<ArgumentNullException>(() => Sha256.Hash(buffer, 0, 10, null!, 0));
        }

        internal static void AssertThrows<T>(Action action)
            where T : Exception
        {
            try
            {
                action();
            }
            catch (T)
            {
                return;
            }

            Assert.Fail($"expected {typeof(T).Name}");
        }
    }
}
