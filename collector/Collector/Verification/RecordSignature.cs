using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using AssetMeter.Collector.Records;
using AssetMeter.Collector.Registry;

namespace AssetMeter.Collector.Verification
{
    /// <summary>
    /// Checks a record's signature against the meter's registered key with .NET's cryptography: an implementation
    /// independent of the meter's own (the meter signs in its secure element or with its portable HMAC).
    /// </summary>
    /// <remarks>
    /// An instance keeps each meter's imported ECDSA key: importing a P-256 public key costs about as much as verifying
    /// with it (the collector bench measured 136 µs against 110 µs), and a fleet sends the same keys every half hour.
    /// A key is imported again when the registration's key changes (rotation). One instance serves one thread.
    /// </remarks>
    public sealed class RecordSignature : IDisposable
    {
        private readonly Dictionary<string, (string KeyHex, ECDsa Key)> _keys = new(StringComparer.Ordinal);

        /// <summary>Null when the signature is good; otherwise the reason.</summary>
        public string? Verify(MeterRegistration meter, OcmfEnvelope envelope)
        {
            // The algorithm is part of the standing data: a meter registered for ECDSA cannot downgrade to HMAC.
            if (envelope.Algorithm != meter.Algorithm)
            {
                return $"signed with {envelope.Algorithm} but the meter is registered for {meter.Algorithm}";
            }

            if (meter.Algorithm == MeterRegistration.Ecdsa)
            {
                if (!_keys.TryGetValue(meter.Serial, out var cached) || cached.KeyHex != meter.KeyHex)
                {
                    cached.Key?.Dispose();
                    cached = (meter.KeyHex, PublicKey(Convert.FromHexString(meter.KeyHex)));
                    _keys[meter.Serial] = cached;
                }

                return VerifyEcdsa(cached.Key, envelope);
            }

            return VerifyHmac(Convert.FromHexString(meter.KeyHex), envelope);
        }

        public void Dispose()
        {
            foreach (var (_, key) in _keys.Values)
            {
                key.Dispose();
            }

            _keys.Clear();
        }

        private static string? VerifyEcdsa(ECDsa key, OcmfEnvelope envelope)
        {
            bool good;
            try
            {
                good = key.VerifyData(envelope.Payload, envelope.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }
            catch (CryptographicException)
            {
                good = false;
            }

            return good ? null : "ECDSA signature does not verify with the registered public key";
        }

        private static string? VerifyHmac(byte[] key, OcmfEnvelope envelope)
        {
            byte[] expected = HMACSHA256.HashData(key, envelope.Payload);
            return CryptographicOperations.FixedTimeEquals(expected, envelope.Signature) ? null : "HMAC does not verify with the registered key";
        }

        /// <summary>An ECDsa holding a 65-byte uncompressed P-256 public key.</summary>
        public static ECDsa PublicKey(byte[] uncompressed)
        {
            if (uncompressed.Length != 65 || uncompressed[0] != 0x04)
            {
                throw new ArgumentException("not a 65-byte uncompressed P-256 point", nameof(uncompressed));
            }

            return ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = uncompressed[1..33], Y = uncompressed[33..65] },
            });
        }
    }
}
