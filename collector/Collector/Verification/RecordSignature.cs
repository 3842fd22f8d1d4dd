using System;
using System.Security.Cryptography;
using AssetMeter.Collector.Records;
using AssetMeter.Collector.Registry;

namespace AssetMeter.Collector.Verification
{
    /// <summary>
    /// Checks a record's signature against the meter's registered key with .NET's cryptography: an implementation
    /// independent of the meter's own (the meter signs in its secure element or with its portable HMAC).
    /// </summary>
    public static class RecordSignature
    {
        /// <summary>Null when the signature is good; otherwise the reason.</summary>
        public static string? Check(MeterRegistration meter, OcmfEnvelope envelope)
        {
            // The algorithm is part of the standing data: a meter registered for ECDSA cannot downgrade to HMAC.
            if (envelope.Algorithm != meter.Algorithm)
            {
                return $"signed with {envelope.Algorithm} but the meter is registered for {meter.Algorithm}";
            }

            byte[] key = Convert.FromHexString(meter.KeyHex);
            if (meter.Algorithm == MeterRegistration.Ecdsa)
            {
                using ECDsa ecdsa = PublicKey(key);
                bool good;
                try
                {
                    good = ecdsa.VerifyData(envelope.Payload, envelope.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
                }
                catch (CryptographicException)
                {
                    good = false;
                }

                return good ? null : "ECDSA signature does not verify with the registered public key";
            }

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
