using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using AssetMeter.Firmware.Crypto;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Crypto
{
    /// <summary>The verifier and the DER converter against the openssl command line, when it is installed.</summary>
    [TestClass]
    public class OpensslInteropTests
    {
        private static (int ExitCode, string Output) Openssl(string directory, params string[] arguments)
        {
            var start = new ProcessStartInfo("openssl") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }

        private static string NewDirectory()
        {
            string directory = Path.Combine(Path.GetTempPath(), "assetmeter-crypto-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            return directory;
        }

        private static void RequireOpenssl()
        {
            try
            {
                Openssl(Path.GetTempPath(), "version");
            }
            catch (Win32Exception)
            {
                Assert.Inconclusive("openssl is not on PATH");
            }
        }

        [TestMethod]
        public void Openssl_signatures_verify()
        {
            RequireOpenssl();
            string directory = NewDirectory();
            try
            {
                Assert.AreEqual(0, Openssl(directory, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem").ExitCode);
                Assert.AreEqual(0, Openssl(directory, "ec", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der").ExitCode);

                // SubjectPublicKeyInfo for P-256: 26 bytes of algorithm header, then the 65-byte uncompressed point.
                byte[] spki = File.ReadAllBytes(Path.Combine(directory, "pub.der"));
                Assert.AreEqual(91, spki.Length);
                byte[] key = spki[26..];
                Assert.AreEqual(0x04, key[0]);

                var verifier = new EcdsaP256Verifier();
                var random = new Random(20261123);
                for (int i = 0; i < 20; i++)
                {
                    var message = new byte[random.Next(0, 5000)];
                    random.NextBytes(message);
                    File.WriteAllBytes(Path.Combine(directory, "message.bin"), message);
                    var sign = Openssl(directory, "dgst", "-sha256", "-sign", "key.pem", "-out", "signature.der", "message.bin");
                    Assert.AreEqual(0, sign.ExitCode, sign.Output);

                    byte[] der = File.ReadAllBytes(Path.Combine(directory, "signature.der"));
                    var digest = new byte[32];
                    Sha256.Hash(message, 0, message.Length, digest, 0);
                    Assert.IsTrue(verifier.Verify(key, digest, der, 0, der.Length), Convert.ToHexString(der));

                    byte[] raw = DerSignature.ToRaw(der, 0, der.Length)!;
                    Assert.IsTrue(verifier.VerifyRaw(key, digest, raw, 0));
                    CollectionAssert.AreEqual(der, DerSignature.FromRaw(raw, 0), "the converter reproduces openssl's encoding");

                    digest[0] ^= 0x80;
                    Assert.IsFalse(verifier.Verify(key, digest, der, 0, der.Length));
                }
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }

        [TestMethod]
        public void Openssl_accepts_signatures_converted_from_raw()
        {
            RequireOpenssl();
            string directory = NewDirectory();
            try
            {
                // A raw (secure-element style) signature whose r has a leading zero byte and whose s has its top bit
                // set, then one with the opposite: both paddings of the DER converter.
                using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                File.WriteAllText(Path.Combine(directory, "pub.pem"), ecdsa.ExportSubjectPublicKeyInfoPem());
                byte[] message = System.Text.Encoding.ASCII.GetBytes("OCMF|{\"FV\":\"1.0\"}");
                File.WriteAllBytes(Path.Combine(directory, "message.bin"), message);
                var wanted = new Func<byte[], bool>[]
                {
                    raw => raw[0] == 0 && raw[32] >= 0x80,
                    raw => raw[0] >= 0x80 && raw[32] == 0,
                    raw => raw[0] is > 0 and < 0x80 && raw[32] is > 0 and < 0x80,
                };

                foreach (var condition in wanted)
                {
                    byte[] raw;
                    do
                    {
                        raw = ecdsa.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                    }
                    while (!condition(raw));

                    File.WriteAllBytes(Path.Combine(directory, "signature.der"), DerSignature.FromRaw(raw, 0));
                    var verify = Openssl(directory, "dgst", "-sha256", "-verify", "pub.pem", "-signature", "signature.der", "message.bin");
                    Assert.AreEqual(0, verify.ExitCode, verify.Output);
                    StringAssert.Contains(verify.Output, "Verified OK");
                }
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }
    }
}
