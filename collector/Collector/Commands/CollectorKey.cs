using System;
using System.IO;
using System.Security.Cryptography;

namespace AssetMeter.Collector.Commands
{
    /// <summary>
    /// The collector's P-256 key: it signs every command (the BSCP601 access protocol). Meters trust the public half,
    /// listed in their configuration as <c>collector_keys</c>.
    /// </summary>
    public sealed class CollectorKey : IDisposable
    {
        private readonly ECDsa _key;

        private CollectorKey(ECDsa key)
        {
            _key = key;
        }

        /// <summary>A new random key.</summary>
        public static CollectorKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

        /// <summary>Loads a PEM private key (PKCS#8 or SEC1 'EC PRIVATE KEY', as openssl writes them).</summary>
        public static CollectorKey Load(string pemFile)
        {
            var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(pemFile));
            if (key.KeySize != 256)
            {
                key.Dispose();
                throw new InvalidDataException($"{pemFile}: the collector key must be a P-256 key");
            }

            return new CollectorKey(key);
        }

        /// <summary>Writes the private key as PKCS#8 PEM, readable by openssl.</summary>
        public void Save(string pemFile)
        {
            File.WriteAllText(pemFile, _key.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(pemFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        /// <summary>The public key as a 65-byte uncompressed point, hex: what a meter's <c>collector_keys</c> lists.</summary>
        public string PublicKeyHex
        {
            get
            {
                ECParameters p = _key.ExportParameters(false);
                var point = new byte[65];
                point[0] = 0x04;
                p.Q.X!.CopyTo(point, 1);
                p.Q.Y!.CopyTo(point, 33);
                return Convert.ToHexStringLower(point);
            }
        }

        /// <summary>ECDSA over SHA-256 of <paramref name="data"/>, DER encoded.</summary>
        public byte[] Sign(byte[] data) => _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        public void Dispose() => _key.Dispose();
    }
}
