using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using AssetMeter.Hardware.Emulation;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests
{
    using AssetMeter.Hardware.Atecc608;

    /// <summary>
    /// Signing with the key inside the chip, checked by .NET and by OpenSSL; verification of others' signatures by
    /// the chip; key generation and the configuration rules that refuse it.
    /// </summary>
    [TestClass]
    public class Atecc608SigningTests
    {
        [TestMethod]
        public void The_public_key_read_from_the_chip_verifies_its_signatures_and_a_flipped_digest_bit_fails()
        {
            using var rig = Atecc608Rig.Provisioned();
            var publicKey = new byte[64];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadPublicKey(0, publicKey, 0));
            CollectionAssert.AreEqual(rig.Chip.PublicKeyOf(0), publicKey);

            byte[] digest = Atecc608Rig.Digest("period 2025-01-01T00:00Z import 1234567 uWh");
            var signature = new byte[64];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Sign(0, digest, 0, signature, 0));
            Assert.IsTrue(Atecc608Rig.VerifiesWithDotNet(publicKey, digest, signature));

            for (int bit = 0; bit < 256; bit += 37)
            {
                var tampered = (byte[])digest.Clone();
                tampered[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.IsFalse(Atecc608Rig.VerifiesWithDotNet(publicKey, tampered, signature), "digest bit " + bit);
            }

            var badSignature = (byte[])signature.Clone();
            badSignature[40] ^= 0x02;
            Assert.IsFalse(Atecc608Rig.VerifiesWithDotNet(publicKey, digest, badSignature));
        }

        [TestMethod]
        public void Signatures_at_offsets_and_repeated_signing_are_fresh_each_time()
        {
            using var rig = Atecc608Rig.Provisioned();
            var publicKey = new byte[64];
            rig.Driver.ReadPublicKey(0, publicKey, 0);
            var frame = new byte[100];
            byte[] digest = Atecc608Rig.Digest("snapshot");
            Array.Copy(digest, 0, frame, 3, 32);
            var signatures = new byte[140];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Sign(0, frame, 3, signatures, 5));
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Sign(0, frame, 3, signatures, 70));
            var first = new byte[64];
            var second = new byte[64];
            Array.Copy(signatures, 5, first, 0, 64);
            Array.Copy(signatures, 70, second, 0, 64);
            Assert.IsTrue(Atecc608Rig.VerifiesWithDotNet(publicKey, digest, first));
            Assert.IsTrue(Atecc608Rig.VerifiesWithDotNet(publicKey, digest, second));
            CollectionAssert.AreNotEqual(first, second, "ECDSA uses a new nonce for every signature");
            Assert.AreEqual(2, rig.Chip.Signatures);
        }

        [TestMethod]
        public void OpenSsl_verifies_a_chip_signature_over_a_message_and_rejects_a_changed_message()
        {
            using var rig = Atecc608Rig.Provisioned();
            var publicKey = new byte[64];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadPublicKey(0, publicKey, 0));
            byte[] message = Encoding.ASCII.GetBytes("OCMF|{\"FV\":\"1.0\",\"RD\":[{\"TM\":\"2025-03-30T00:30:00,000+0000 S\",\"RV\":1.234,\"RU\":\"kWh\"}]}");
            var signature = new byte[64];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Sign(0, SHA256.HashData(message), 0, signature, 0));

            string directory = Path.Combine(Path.GetTempPath(), "atecc608-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                using (ECDsa key = Atecc608Rig.PublicKey(publicKey))
                {
                    File.WriteAllText(Path.Combine(directory, "meter.pem"), key.ExportSubjectPublicKeyInfoPem());
                }

                File.WriteAllBytes(Path.Combine(directory, "record.sig"), DerFromRaw(signature));
                File.WriteAllBytes(Path.Combine(directory, "record.txt"), message);
                message[10] ^= 0x01;
                File.WriteAllBytes(Path.Combine(directory, "changed.txt"), message);

                if (!TryOpenSsl(directory, "record.txt", out int exit, out string output))
                {
                    Assert.Inconclusive("openssl is not on PATH");
                }

                Assert.AreEqual(0, exit, output);
                StringAssert.Contains(output, "Verified OK");

                TryOpenSsl(directory, "changed.txt", out exit, out output);
                Assert.AreNotEqual(0, exit, output);
                StringAssert.Contains(output, "Verification failure");
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }

        [TestMethod]
        public void The_der_encoding_written_here_is_what_dotnet_produces()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var random = new Random(5);
            for (int i = 0; i < 200; i++)
            {
                var digest = new byte[32];
                random.NextBytes(digest);
                byte[] raw = key.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                Assert.IsTrue(key.VerifyHash(digest, DerFromRaw(raw), DSASignatureFormat.Rfc3279DerSequence));
            }

            // Leading zeros are dropped and a high bit gets a zero byte in front.
            var edge = new byte[64];
            edge[31] = 0x01;
            edge[32] = 0x80;
            byte[] der = DerFromRaw(edge);
            CollectionAssert.AreEqual(new byte[] { 0x30, 0x26, 0x02, 0x01, 0x01, 0x02, 0x21, 0x00, 0x80 }, der[..9]);
        }

        [TestMethod]
        public void Verify_external_accepts_good_signatures_and_rejects_bad_ones()
        {
            using var rig = Atecc608Rig.Provisioned();
            using var collector = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] collectorKey = Atecc608Rig.RawPublicKey(collector);
            byte[] digest = Atecc608Rig.Digest("{\"cmd\":\"snapshot\",\"ctr\":17}");
            byte[] signature = collector.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Verify(digest, 0, signature, 0, collectorKey, 0));

            var tamperedDigest = (byte[])digest.Clone();
            tamperedDigest[0] ^= 0x80;
            Assert.AreEqual(Atecc608Status.SignatureInvalid, rig.Driver.Verify(tamperedDigest, 0, signature, 0, collectorKey, 0));
            Assert.AreEqual(0x01, rig.Driver.LastChipStatus);

            var tamperedSignature = (byte[])signature.Clone();
            tamperedSignature[63] ^= 0x01;
            Assert.AreEqual(Atecc608Status.SignatureInvalid, rig.Driver.Verify(digest, 0, tamperedSignature, 0, collectorKey, 0));

            using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Assert.AreEqual(Atecc608Status.SignatureInvalid, rig.Driver.Verify(digest, 0, signature, 0, Atecc608Rig.RawPublicKey(stranger), 0));

            // The chip checks its own signatures too.
            var own = new byte[64];
            var ownKey = new byte[64];
            rig.Driver.Sign(0, digest, 0, own, 0);
            rig.Driver.ReadPublicKey(0, ownKey, 0);
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Verify(digest, 0, own, 0, ownKey, 0));

            // A "public key" that is not a point on the curve is never accepted.
            var notAPoint = (byte[])collectorKey.Clone();
            notAPoint[63] ^= 0x01;
            Assert.AreNotEqual(Atecc608Status.Ok, rig.Driver.Verify(digest, 0, signature, 0, notAPoint, 0));
        }

        [TestMethod]
        public void GenKey_creates_a_key_whose_public_half_is_returned_and_signs()
        {
            // Provisioning: configuration locked, data zone not yet locked, slot 2 an ECC private key slot (KeyConfig 0x13).
            using var chip = new Atecc608Emulator(null, configLocked: true);
            using var rig = new Atecc608Rig(chip);
            var publicKey = new byte[64];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.GenerateKey(2, publicKey, 0));
            CollectionAssert.AreEqual(chip.PublicKeyOf(2), publicKey);

            var again = new byte[64];
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.ReadPublicKey(2, again, 0));
            CollectionAssert.AreEqual(publicKey, again);

            chip.LockDataZone();
            byte[] digest = Atecc608Rig.Digest("after provisioning");
            var signature = new byte[64];
            // Slot 2's SlotConfig (0x2087) allows external signatures.
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.Sign(2, digest, 0, signature, 0));
            Assert.IsTrue(Atecc608Rig.VerifiesWithDotNet(publicKey, digest, signature));
        }

        [TestMethod]
        public void GenKey_is_refused_for_a_permanent_key_and_a_locked_slot_and_the_key_survives()
        {
            // Slot 0 as in Trust&GO parts: a private key that signs external messages but cannot be regenerated
            // (no GenKey bit in SlotConfig.WriteConfig) once the data zone is locked.
            using var chip = new Atecc608Emulator();
            chip.ConfigureSlot(0, 0x008F, 0x0033);
            chip.LockConfigZone();
            chip.GenerateKeyInSlot(0);
            chip.LockDataZone();
            using var rig = new Atecc608Rig(chip);
            byte[]? before = chip.PublicKeyOf(0);

            var publicKey = new byte[64];
            Assert.AreEqual(Atecc608Status.ExecutionError, rig.Driver.GenerateKey(0, publicKey, 0));
            Assert.AreEqual(0x0F, rig.Driver.LastChipStatus);
            CollectionAssert.AreEqual(before, chip.PublicKeyOf(0));

            // Slot 2 may be regenerated, until it is locked.
            Assert.AreEqual(Atecc608Status.Ok, rig.Driver.GenerateKey(2, publicKey, 0));
            chip.LockSlot(2);
            Assert.AreEqual(Atecc608Status.ExecutionError, rig.Driver.GenerateKey(2, publicKey, 0));
            CollectionAssert.AreEqual(publicKey, chip.PublicKeyOf(2));
        }

        [TestMethod]
        public void Sign_and_public_key_are_refused_where_the_slot_does_not_allow_them()
        {
            using var rig = Atecc608Rig.Provisioned();
            var buffer = new byte[64];
            byte[] digest = Atecc608Rig.Digest("x");

            // Slot 1 (KeyConfig 0x001C) holds no private key.
            Assert.AreEqual(Atecc608Status.ExecutionError, rig.Driver.Sign(1, digest, 0, buffer, 0));
            Assert.AreEqual(Atecc608Status.ExecutionError, rig.Driver.ReadPublicKey(1, buffer, 0));

            // Slot 3 is a private key slot in which no key was ever generated.
            Assert.AreEqual(Atecc608Status.ExecutionError, rig.Driver.ReadPublicKey(3, buffer, 0));
            Assert.AreEqual(Atecc608Status.ExecutionError, rig.Driver.Sign(3, digest, 0, buffer, 0));
            Assert.AreEqual(0, rig.Driver.Retries, "refusals are not retried");
        }

        [TestMethod]
        public void Argument_errors_throw_but_nothing_else_does()
        {
            using var rig = Atecc608Rig.Provisioned();
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => rig.Driver.Sign(16, new byte[32], 0, new byte[64], 0));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => rig.Driver.Sign(0, new byte[31], 0, new byte[64], 0));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => rig.Driver.Sign(0, new byte[32], 0, new byte[64], 1));
            Assert.ThrowsExactly<ArgumentNullException>(() => rig.Driver.ReadSerialNumber(null!, 0));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => rig.Driver.ReadConfigWord(32, new byte[4], 0));
            Assert.AreEqual(0, rig.Chip.Wakes);
        }

        /// <summary>Raw r || s (32 bytes each, big-endian) as the DER SEQUENCE { INTEGER r, INTEGER s } (RFC 3279).</summary>
        internal static byte[] DerFromRaw(byte[] raw)
        {
            byte[] r = DerInteger(raw, 0);
            byte[] s = DerInteger(raw, 32);
            var der = new byte[2 + r.Length + s.Length];
            der[0] = 0x30;
            der[1] = (byte)(r.Length + s.Length);
            Array.Copy(r, 0, der, 2, r.Length);
            Array.Copy(s, 0, der, 2 + r.Length, s.Length);
            return der;
        }

        private static byte[] DerInteger(byte[] raw, int offset)
        {
            int start = offset;
            while (start < offset + 31 && raw[start] == 0)
            {
                start++;
            }

            int length = offset + 32 - start;
            bool pad = (raw[start] & 0x80) != 0;
            var integer = new byte[2 + (pad ? 1 : 0) + length];
            integer[0] = 0x02;
            integer[1] = (byte)(length + (pad ? 1 : 0));
            Array.Copy(raw, start, integer, pad ? 3 : 2, length);
            return integer;
        }

        private static bool TryOpenSsl(string directory, string messageFile, out int exitCode, out string output)
        {
            var start = new ProcessStartInfo("openssl")
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[] { "dgst", "-sha256", "-verify", "meter.pem", "-signature", "record.sig", messageFile })
            {
                start.ArgumentList.Add(argument);
            }

            try
            {
                using Process process = Process.Start(start)!;
                output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
                process.WaitForExit();
                exitCode = process.ExitCode;
                return true;
            }
            catch (Win32Exception)
            {
                exitCode = -1;
                output = string.Empty;
                return false;
            }
        }
    }
}
