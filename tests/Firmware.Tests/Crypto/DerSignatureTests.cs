using System;
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using AssetMeter.Firmware.Crypto;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Crypto
{
    [TestClass]
    public class DerSignatureTests
    {
        private static byte[] ReferenceDer(byte[] raw)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            writer.PushSequence();
            writer.WriteInteger(P256ArithmeticTests.Big(raw[..32]));
            writer.WriteInteger(P256ArithmeticTests.Big(raw[32..]));
            writer.PopSequence();
            return writer.Encode();
        }

        // Components with leading zero bytes, top bits set and clear, zero and all ones.
        private static byte[] RawOf(Random random)
        {
            var raw = new byte[64];
            random.NextBytes(raw);
            for (int half = 0; half < 64; half += 32)
            {
                switch (random.Next(6))
                {
                    case 0: Array.Clear(raw, half, random.Next(33)); break;
                    case 1: raw[half] |= 0x80; break;
                    case 2: raw[half] &= 0x7f; break;
                    case 3: raw.AsSpan(half, 32).Fill(0xff); break;
                    case 4: Array.Clear(raw, half, 31); raw[half + 31] = (byte)random.Next(256); break;
                }
            }

            return raw;
        }

        [TestMethod]
        public void FromRaw_matches_the_dotnet_der_writer_and_round_trips()
        {
            Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
            {
                var random = new Random(seed);
                byte[] raw = RawOf(random);
                byte[] expected = ReferenceDer(raw);
                byte[] der = DerSignature.FromRaw(raw, 0);
                CollectionAssert.AreEqual(expected, der, Convert.ToHexString(raw));
                Assert.IsTrue(der.Length >= 8 && der.Length <= DerSignature.MaxDerLength);

                // The allocation-free overloads, at offsets.
                var framed = new byte[70 + 64];
                Array.Copy(raw, 0, framed, 70, 64);
                var output = new byte[5 + DerSignature.MaxDerLength];
                int length = DerSignature.FromRaw(framed, 70, output, 5);
                CollectionAssert.AreEqual(expected, output[5..(5 + length)]);

                var back = new byte[3 + 64];
                Assert.IsTrue(DerSignature.TryToRaw(output, 5, length, back, 3));
                CollectionAssert.AreEqual(raw, back[3..]);
                CollectionAssert.AreEqual(raw, DerSignature.ToRaw(der, 0, der.Length));
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
        }

        [TestMethod]
        public void Known_encodings()
        {
            var raw = new byte[64];
            raw[31] = 1;
            raw[63] = 0x80;
            Assert.AreEqual("3007020101020200" + "80", Convert.ToHexStringLower(DerSignature.FromRaw(raw, 0)));
            Assert.AreEqual("3006020100020100", Convert.ToHexStringLower(DerSignature.FromRaw(new byte[64], 0)));
            var ones = new byte[64];
            ones.AsSpan().Fill(0xff);
            Assert.AreEqual(DerSignature.MaxDerLength, DerSignature.FromRaw(ones, 0).Length);
        }

        [TestMethod]
        public void ToRaw_rejects_what_is_not_strict_der()
        {
            Assert.IsNull(DerSignature.ToRaw(Convert.FromHexString("3006020100020100"), 0, 7), "truncated");
            Assert.IsNotNull(DerSignature.ToRaw(Convert.FromHexString("3006020100020100"), 0, 8), "zero values are an encoding matter for the verifier");
            Assert.IsNull(DerSignature.ToRaw(Convert.FromHexString("300702020001020100"), 0, 9), "needless leading zero");
            Assert.IsNull(DerSignature.ToRaw(Convert.FromHexString("3006020180020100"), 0, 8), "negative");
            Assert.IsNull(DerSignature.ToRaw(Convert.FromHexString("3007020100020100" + "00"), 0, 9), "sequence length disagrees");
            Assert.IsNull(DerSignature.ToRaw(Convert.FromHexString("308106020100020100"), 0, 9), "long-form length");
            Assert.IsNull(DerSignature.ToRaw(Convert.FromHexString("3006020100040100"), 0, 8), "OCTET STRING");
            Assert.IsNull(DerSignature.ToRaw(Convert.FromHexString("300502000201" + "00"), 0, 7), "empty INTEGER");
            Assert.IsNull(DerSignature.ToRaw(null!, 0, 0));
            Assert.IsFalse(DerSignature.TryToRaw(Convert.FromHexString("3006020100020100"), 0, 8, new byte[63], 0), "output too small");

            // 33 content bytes are only allowed as 00 followed by a byte with its top bit set.
            string high = "80" + new string('0', 62);
            Assert.IsNotNull(DerSignature.ToRaw(Convert.FromHexString("3026022100" + high + "020101"), 0, 40));
            Assert.IsNull(DerSignature.ToRaw(Convert.FromHexString("3026022101" + high + "020101"), 0, 40), "above 2^256");
            Assert.IsNull(DerSignature.ToRaw(Convert.FromHexString("302602210000" + high[2..] + "020101"), 0, 40), "33 bytes, not minimal");
        }

        [TestMethod]
        public void Random_garbage_never_throws()
        {
            var verifier = new EcdsaP256Verifier();
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] key = EcdsaP256VerifierTests.PublicKey(ecdsa);
            byte[] digest = SHA256.HashData(new byte[] { 42 });
            byte[] der = ecdsa.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
            var raw = new byte[64];
            Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
            {
                var random = new Random(seed);

                // Pure noise, and the real signature with bytes inserted, deleted or overwritten.
                var noise = new byte[random.Next(0, 90)];
                random.NextBytes(noise);
                if (noise.Length > 1 && random.Next(2) == 0)
                {
                    noise[0] = 0x30;
                    noise[1] = (byte)(noise.Length - 2);
                }

                byte[] mutated = (byte[])der.Clone();
                int at = random.Next(mutated.Length);
                switch (random.Next(3))
                {
                    case 0: mutated = [.. mutated[..at], (byte)random.Next(256), .. mutated[at..]]; break;
                    case 1: mutated = [.. mutated[..at], .. mutated[(at + 1)..]]; break;
                    default: mutated[at] = (byte)random.Next(256); break;
                }

                foreach (byte[] candidate in new[] { noise, mutated })
                {
                    int offset = random.Next(-2, candidate.Length + 2);
                    int length = random.Next(-2, candidate.Length + 3);
                    verifier.Verify(key, digest, candidate, offset, length);
                    DerSignature.TryToRaw(candidate, offset, length, raw, 0);
                    Assert.IsFalse(verifier.Verify(key, digest, candidate, 0, candidate.Length) && !candidate.AsSpan().SequenceEqual(der));
                }

                verifier.VerifyRaw(noise.Length == 65 ? noise : key, digest, noise, random.Next(-1, 3));
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
        }
    }
}
