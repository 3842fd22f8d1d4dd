using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>A collector's P-256 key pair, signing commands as docs/protocol.md says: <c>AMC1|{payload}|{DER hex}</c>.</summary>
    internal sealed class CollectorKey : IDisposable
    {
        private readonly ECDsa _key;

        public CollectorKey()
            : this(ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
        }

        /// <summary>A collector key made elsewhere (e.g. by openssl).</summary>
        public CollectorKey(ECDsa key) => _key = key;

        /// <summary>The uncompressed point 04 || X || Y, as the meter configuration holds it.</summary>
        public byte[] PublicKey
        {
            get
            {
                var q = _key.ExportParameters(false).Q;
                var key = new byte[65];
                key[0] = 4;
                q.X!.CopyTo(key, 1);
                q.Y!.CopyTo(key, 33);
                return key;
            }
        }

        public ECDsa Key => _key;

        /// <summary>The command payload for <paramref name="serial"/> (fields in the documented order).</summary>
        public static string Payload(string serial, long counter, DateTime expiryUtc, string op, string arguments = "")
        {
            return "{\"v\":1,\"ms\":\"" + serial + "\",\"n\":" + counter.ToString(CultureInfo.InvariantCulture) + ",\"ex\":\""
                + expiryUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) + "\",\"op\":\"" + op + "\"" + arguments + "}";
        }

        /// <summary>The signed message for <paramref name="payload"/>.</summary>
        public byte[] Sign(string payload) => Sign(Encoding.UTF8.GetBytes(payload));

        /// <summary>The signed message for payload bytes that need not be ASCII.</summary>
        public byte[] Sign(byte[] bytes)
        {
            byte[] der = _key.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            return [.. Encoding.ASCII.GetBytes("AMC1|"), .. bytes, .. Encoding.ASCII.GetBytes("|" + Convert.ToHexStringLower(der))];
        }

        /// <summary>True when <paramref name="message"/> is a command envelope whose signature verifies with this key (the fuzz test's oracle).</summary>
        public bool SignatureVerifies(byte[] message)
        {
            if (message.Length < 6 || Encoding.ASCII.GetString(message, 0, 5) != "AMC1|")
            {
                return false;
            }

            int separator = Array.LastIndexOf(message, (byte)'|');
            if (separator < 5)
            {
                return false;
            }

            byte[] der;
            try
            {
                der = Convert.FromHexString(Encoding.ASCII.GetString(message, separator + 1, message.Length - separator - 1));
            }
            catch (FormatException)
            {
                return false;
            }

            try
            {
                return _key.VerifyData(message.AsSpan(5, separator - 5), der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }
            catch (CryptographicException)
            {
                return false;
            }
        }

        public void Dispose() => _key.Dispose();
    }
}
