using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using AssetMeter.Firmware.Crypto;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>
    /// The three independent ways a collector can check an ECDSA record signature (the openssl command line, the
    /// portable verifier the meter carries, and .NET), and HMAC-SHA256 with .NET.
    /// </summary>
    internal static class RecordVerifiers
    {
        /// <summary>Our own verifier: portable SHA-256, then portable P-256 ECDSA over the DER signature.</summary>
        public static bool Own(byte[] publicKey, byte[] payload, byte[] der)
        {
            var digest = new byte[32];
            Sha256.Hash(payload, 0, payload.Length, digest, 0);
            return new EcdsaP256Verifier().Verify(publicKey, digest, der, 0, der.Length);
        }

        public static bool DotNet(byte[] publicKey, byte[] payload, byte[] der)
        {
            using var key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..65] },
            });
            try
            {
                return key.VerifyData(payload, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }
            catch (CryptographicException)
            {
                return false;
            }
        }

        public static bool Hmac(byte[] key, byte[] payload, byte[] mac)
        {
            return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, payload), mac);
        }

        /// <summary>The meter's public key as a PEM SubjectPublicKeyInfo, as openssl takes it.</summary>
        public static string Pem(byte[] publicKey)
        {
            using var key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..65] },
            });
            return key.ExportSubjectPublicKeyInfoPem();
        }

        /// <summary>A scratch directory for openssl's files; deleted on dispose.</summary>
        public sealed class Openssl : IDisposable
        {
            private int _files;

            public Openssl(byte[] publicKey)
            {
                try
                {
                    Run(Path.GetTempPath(), "version");
                }
                catch (Win32Exception)
                {
                    Assert.Fail("openssl is not on PATH (tests/setup/install-test-dependencies.sh installs it)");
                }

                Directory = Path.Combine(Path.GetTempPath(), "assetmeter-ocmf-" + Guid.NewGuid().ToString("N"));
                System.IO.Directory.CreateDirectory(Directory);
                File.WriteAllText(Path.Combine(Directory, "pub.pem"), Pem(publicKey));
            }

            public string Directory { get; }

            /// <summary>Runs <c>openssl dgst -sha256 -verify pub.pem -signature sig.der payload.bin</c>.</summary>
            public bool Verify(byte[] payload, byte[] der)
            {
                int n = _files++;
                File.WriteAllBytes(Path.Combine(Directory, $"payload{n}.bin"), payload);
                File.WriteAllBytes(Path.Combine(Directory, $"sig{n}.der"), der);
                var (exit, output) = Run(Directory, "dgst", "-sha256", "-verify", "pub.pem", "-signature", $"sig{n}.der", $"payload{n}.bin");
                Assert.AreEqual(exit == 0, output.Contains("Verified OK", StringComparison.Ordinal), output);
                return exit == 0;
            }

            public void Dispose() => System.IO.Directory.Delete(Directory, true);

            public static (int ExitCode, string Output) Run(string directory, params string[] arguments)
            {
                var start = new ProcessStartInfo("openssl") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (string argument in arguments)
                {
                    start.ArgumentList.Add(argument);
                }

                using var process = Process.Start(start)!;
                var error = process.StandardError.ReadToEndAsync();
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                return (process.ExitCode, output + error.Result);
            }
        }

        /// <summary>Positions to alter in a buffer: every one when <paramref name="all"/>, otherwise the ends and a spread between.</summary>
        public static IEnumerable<int> Positions(int length, bool all, int spread = 24)
        {
            if (all)
            {
                for (int i = 0; i < length; i++)
                {
                    yield return i;
                }

                yield break;
            }

            var seen = new HashSet<int>();
            for (int k = 0; k <= spread; k++)
            {
                int i = (int)((long)k * (length - 1) / spread);
                if (seen.Add(i))
                {
                    yield return i;
                }
            }
        }

        /// <summary>A copy with byte <paramref name="index"/> changed (to another printable character for text, any other value for binary).</summary>
        public static byte[] Changed(byte[] bytes, int index, bool text)
        {
            var copy = (byte[])bytes.Clone();
            if (text)
            {
                copy[index] = (byte)(copy[index] == (byte)'0' ? '1' : copy[index] == (byte)'~' ? '}' : copy[index] + 1);
            }
            else
            {
                copy[index] ^= 0x01;
            }

            return copy;
        }
    }
}
