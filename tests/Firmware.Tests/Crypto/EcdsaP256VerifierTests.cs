using System;
using System.Linq;
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using AssetMeter.Firmware.Crypto;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Crypto
{
    [TestClass]
    public class EcdsaP256VerifierTests
    {
        private static readonly BigInteger N = P256ArithmeticTests.Big(Convert.FromHexString("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"));
        private static readonly EcdsaP256Verifier Verifier = new EcdsaP256Verifier();

        internal static byte[] PublicKey(ECDsa key)
        {
            ECParameters parameters = key.ExportParameters(false);
            var encoded = new byte[65];
            encoded[0] = 0x04;
            parameters.Q.X!.CopyTo(encoded, 1);
            parameters.Q.Y!.CopyTo(encoded, 33);
            return encoded;
        }

        private static byte[] Der(BigInteger r, BigInteger s)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            writer.PushSequence();
            writer.WriteInteger(r);
            writer.WriteInteger(s);
            writer.PopSequence();
            return writer.Encode();
        }

        private static bool VerifyDer(byte[] key, byte[] digest, byte[] der) => Verifier.Verify(key, digest, der, 0, der.Length);

        // RFC 6979 §A.2.5: P-256 key and deterministic SHA-256 signatures of "sample" and "test".
        [TestMethod]
        [DataRow("sample", "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716", "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8")]
        [DataRow("test", "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367", "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083")]
        public void Rfc6979_known_answers(string message, string r, string s)
        {
            byte[] key = Convert.FromHexString(
                "04" + "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
                + "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299");
            byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes(message));
            byte[] raw = Convert.FromHexString(r + s);
            Assert.IsTrue(Verifier.VerifyRaw(key, digest, raw, 0));
            Assert.IsTrue(VerifyDer(key, digest, DerSignature.FromRaw(raw, 0)));
            digest[31] ^= 1;
            Assert.IsFalse(Verifier.VerifyRaw(key, digest, raw, 0));
        }

        // Project Wycheproof, testvectors_v1/ecdsa_secp256r1_sha256_test.json (C2SP/wycheproof @ dac1dd4): test id,
        // uncompressed key, message, DER signature, expected result. A selection across its categories: valid,
        // BER and malformed encodings, r and s out of range, special values, Shamir and duplication edge cases,
        // x(R) above n, edge-case public keys. (The whole file, 484 vectors, and its P1363 twin were also run.)
        [TestMethod]
        [DataRow(1, "0404aaec73635726f213fb8a9e64da3b8632e41495a944d0045b522eba7240fad587d9315798aaa3a5ba01775787ced05eaaf7b4e09fc81d6d1aa546e8365d525d", "", "3045022100b292a619339f6e567a305c951c0dcbcc42d16e47f219f9e98e76e09d8770b34a02200177e60492c5a8242f76f07bfe3661bde59ec2a17ce5bd2dab2abebdf89a62e2", true)] // pseudorandom signature
        [DataRow(3, "0404aaec73635726f213fb8a9e64da3b8632e41495a944d0045b522eba7240fad587d9315798aaa3a5ba01775787ced05eaaf7b4e09fc81d6d1aa546e8365d525d", "313233343030", "3046022100a8ea150cb80125d7381c4c1f1da8e9de2711f9917060406a73d7904519e51388022100f3ab9fa68bd47973a73b2d40480c2ba50c22c9d76ec217257288293285449b86", true)] // pseudorandom signature
        [DataRow(5, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "304402202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e1802204cd60b855d442f5b3c7b11eb6c4e0ae7525fe710fab9aa7c77a67f79e6fadd76", true)] // signature malleability
        [DataRow(6, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "304402202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e180220b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // Legacy: ASN encoding of s misses leading 0
        [DataRow(7, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "304502202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", true)] // valid
        [DataRow(8, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "30814502202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // length of sequence [r, s] uses long form encoding
        [DataRow(9, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "3082004502202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // length of sequence [r, s] contains a leading 0
        [DataRow(10, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "304602202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // length of sequence [r, s] uses 70 instead of 69
        [DataRow(11, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "304402202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // length of sequence [r, s] uses 68 instead of 69
        [DataRow(23, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "304702202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db0000", false)] // appending 0's to sequence [r, s]
        [DataRow(24, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "3047000002202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // prepending 0's to sequence [r, s]
        [DataRow(48, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "308002202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db0000", false)] // indefinite length
        [DataRow(67, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "30460281202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // length of r uses long form encoding
        [DataRow(68, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "3047028200202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // length of r contains a leading 0
        [DataRow(114, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "304602202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e1802812100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // length of s uses long form encoding
        [DataRow(152, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "30460221012ba3a8bd6b94d5ed80a6d9d1190a436ebccc0833490686deac8635bcb9bf5369022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // replaced r by r + n
        [DataRow(153, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "30460221ff2ba3a8bf6b94d5eb80a6d9d1190a436f42fe12d7fad749d4c512a036c0f908c7022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // replaced r by r - n
        [DataRow(156, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "3046022100d45c5740946b2a147f59262ee6f5bc90bd01ed280528b62b3aed5fc93f06f739022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // replaced r by n - r
        [DataRow(158, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "30460221012ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // replaced r by r + 2**256
        [DataRow(160, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "3046022101b329f478a2bbd0a6c384ee1493b1f518276e0e4a5375928d6fcd160c11cb6d2c022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // replaced s by s + n
        [DataRow(165, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "3046022101b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db", false)] // replaced s by s + 2**256
        [DataRow(168, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "3006020100020100", false)] // Signature with special case values r=0 and s=0
        [DataRow(171, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "3026020100022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", false)] // Signature with special case values r=0 and s=n
        [DataRow(177, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "3006020101020101", false)] // Signature with special case values r=1 and s=1
        [DataRow(232, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "313233343030", "3008020100090380fe01", false)] // Signature encoding contains incorrect types: r=0, s=0.25
        [DataRow(295, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "3639383139", "3044022064a1aab5000d0e804f3e2fc02bdee9be8ff312334e2ba16d11547c97711c898e02206af015971cc30be6d1a206d4e013e0997772a2f91d73286ffd683b9bb2cf4f1b", true)] // Edge case for Shamir multiplication
        [DataRow(296, "042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e", "343236343739373234", "3044022016aea964a2f6506d6f78c81c91fc7e8bded7d397738448de1e19a0ec580bf2660220252cd762130c6667cfe8b7bc47d27d78391e8e80c578d1cd38c3ff033be928e9", true)] // special case hash
        [DataRow(350, "040ad99500288d466940031d72a9f5445a4d43784640855bf0a69874d2de5fe103c5011e6ef2c42dcd50d5d3d29f99ae6eba2c80c9244f4c5422f0979ff0c3ba5e", "313233343030", "303502104319055358e8617b0c46353d039cdaab022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254e", true)] // k*G has a large x-coordinate
        [DataRow(351, "040ad99500288d466940031d72a9f5445a4d43784640855bf0a69874d2de5fe103c5011e6ef2c42dcd50d5d3d29f99ae6eba2c80c9244f4c5422f0979ff0c3ba5e", "313233343030", "3046022100ffffffff00000001000000000000000000000000fffffffffffffffffffffffc022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254e", false)] // r too large
        [DataRow(352, "04ab05fd9d0de26b9ce6f4819652d9fc69193d0aa398f0fba8013e09c58220455419235271228c786759095d12b75af0692dd4103f19f6a8c32f49435a1e9b8d45", "313233343030", "3046022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254f022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254e", true)] // r,s are large
        [DataRow(355, "04a71af64de5126a4a4e02b7922d66ce9415ce88a4c9d25514d91082c8725ac9575d47723c8fbe580bb369fec9c2665d8e30a435b9932645482e7c9f11e872296b", "313233343030", "3006020105020101", true)] // small r and s
        [DataRow(363, "04d03eb09913cc20c6a8d0070f0d8d2a7f63527fafa44117fce6bd1ef2aa4ae3c46d5df3f45ac58fa334c6d102381b3120b7a2455600dcaff3d1a845514f12bf46", "313233343030", "3026022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632557020107", false)] // r is larger than n
        [DataRow(377, "0461722eaba731c697c7a9ba4d0afdbb5713d8aa12b0eab601bb33dbaf792c5adc272cd993b2b663aba5b3a26c101182ff178684945e83879e71598b95fe647dfc", "313233343030", "30440220555555550000000055555555555555553ef7a8e48d07df81a693439654210c70022002f676969f451a8ccafa4c4f09791810e6d632dbd60b1d5540f3284fbe1889b0", true)] // edge case modular inverse
        [DataRow(392, "04b533d4695dd5b8c5e07757e55e6e516f7e2c88fa0239e23f60e8ec07dd70f2871b134ee58cc583278456863f33c3a85d881f7d4a39850143e29d4eaf009afe47", "313233343030", "304402207fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a80220555555550000000055555555555555553ef7a8e48d07df81a693439654210c70", false)] // point at infinity during verify
        [DataRow(427, "045b812fd521aafa69835a849cce6fbdeb6983b442d2444fe70e134c027fc46963838a40f2a36092e9004e92d8d940cf5638550ce672ce8b8d4e15eba5499249e9", "313233343030", "304502206f2347cab7dd76858fe0555ac3bc99048c4aacafdfb6bcbe05ea6c42c4934569022100bb726660235793aa9957a61e76e00c2c435109cf9a15dd624d53f4301047856b", true)] // point duplication during verification
        [DataRow(428, "045b812fd521aafa69835a849cce6fbdeb6983b442d2444fe70e134c027fc469637c75bf0c5c9f6d17ffb16d2726bf30a9c7aaf31a8d317472b1ea145ab66db616", "313233343030", "304502206f2347cab7dd76858fe0555ac3bc99048c4aacafdfb6bcbe05ea6c42c4934569022100bb726660235793aa9957a61e76e00c2c435109cf9a15dd624d53f4301047856b", false)] // duplication bug
        [DataRow(444, "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", "313233343030", "3045022100bb5a52f42f9c9261ed4361f59422a1e30036e7c32b270c8807a419feca6050230220249249246db6db6ddb6db6db6db6db6dad4591868595a8ee6bf5f864ff7be0c2", false)] // public key shares x-coordinate with generator
        [DataRow(448, "044f337ccfd67726a805e4f1600ae2849df3807eca117380239fbd816900000000ed9dea124cc8c396416411e988c30f427eb504af43a3146cd5df7ea60666d685", "4d657373616765", "3046022100d434e262a49eab7781e353a3565e482550dd0fd5defa013c7f29745eff3569f10221009b0c0a93f267fb6052fd8077be769c2b98953195d7bc10de844218305c6ba17a", true)] // x-coordinate of the public key has many trailing 0's
        [DataRow(451, "043cf03d614d8939cfd499a07873fac281618f06b8ff87e8015c3f49726500493584fa174d791c72bf2ce3880a8960dd2a7c7a1338a82f85a9e59cdbde80000000", "4d657373616765", "30440220664eb7ee6db84a34df3c86ea31389a5405badd5ca99231ff556d3e75a233e73a022059f3c752e52eca46137642490a51560ce0badc678754b8f72e51a2901426a1bd", true)] // y-coordinate of the public key has many trailing 0's
        public void Wycheproof_vectors(int testId, string key, string message, string signature, bool valid)
        {
            byte[] digest = SHA256.HashData(Convert.FromHexString(message));
            byte[] der = Convert.FromHexString(signature);
            Assert.AreEqual(valid, VerifyDer(Convert.FromHexString(key), digest, der), $"tcId {testId}");
        }

        [TestMethod]
        public void Dotnet_signatures_verify_in_both_encodings_and_any_flipped_bit_fails()
        {
            Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
            {
                var random = new Random(seed);
                using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                byte[] key = PublicKey(ecdsa);
                var message = new byte[random.Next(0, 300)];
                random.NextBytes(message);
                byte[] digest = SHA256.HashData(message);
                byte[] der = ecdsa.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
                byte[] raw = ecdsa.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

                Assert.IsTrue(VerifyDer(key, digest, der), "DER");
                Assert.IsTrue(Verifier.VerifyRaw(key, digest, raw, 0), "raw");

                // The signature placed inside a larger buffer.
                var framed = new byte[der.Length + 20];
                Array.Copy(der, 0, framed, 7, der.Length);
                Assert.IsTrue(Verifier.Verify(key, digest, framed, 7, der.Length), "DER at an offset");
                Assert.IsFalse(Verifier.Verify(key, digest, framed, 7, der.Length + 1), "trailing byte");

                // The two encodings convert into each other.
                byte[] rawOfDer = DerSignature.ToRaw(der, 0, der.Length);
                Assert.IsNotNull(rawOfDer);
                Assert.IsTrue(Verifier.VerifyRaw(key, digest, rawOfDer!, 0));
                Assert.IsTrue(ecdsa.VerifyHash(digest, DerSignature.FromRaw(raw, 0), DSASignatureFormat.Rfc3279DerSequence), ".NET accepts FromRaw");

                // A different digest, and one flipped bit in each input.
                byte[] other = SHA256.HashData(digest);
                Assert.IsFalse(VerifyDer(key, other, der), "different digest");
                Assert.IsFalse(Verifier.VerifyRaw(key, other, raw, 0), "different digest, raw");
                Assert.IsFalse(VerifyDer(key, digest, Flip(der, random)), "DER bit");
                Assert.IsFalse(Verifier.VerifyRaw(key, digest, Flip(raw, random), 0), "raw bit");
                Assert.IsFalse(VerifyDer(key, Flip(digest, random), der), "digest bit");
                Assert.IsFalse(VerifyDer(Flip(key, random), digest, der), "key bit");
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
        }

        private static byte[] Flip(byte[] bytes, Random random)
        {
            var copy = (byte[])bytes.Clone();
            int bit = random.Next(copy.Length * 8);
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            return copy;
        }

        [TestMethod]
        public void Every_single_bit_flip_of_one_signature_fails()
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] key = PublicKey(ecdsa);
            byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes("meter command"));
            byte[] der = ecdsa.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
            Assert.IsTrue(VerifyDer(key, digest, der));
            foreach (byte[] input in new[] { der, digest, key })
            {
                for (int bit = 0; bit < input.Length * 8; bit++)
                {
                    input[bit / 8] ^= (byte)(1 << (bit % 8));
                    Assert.IsFalse(VerifyDer(key, digest, der), $"bit {bit} of a {input.Length}-byte input");
                    input[bit / 8] ^= (byte)(1 << (bit % 8));
                }
            }

            Assert.IsTrue(VerifyDer(key, digest, der));
        }

        [TestMethod]
        public void Malformed_der_returns_false_without_throwing()
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] key = PublicKey(ecdsa);
            byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes("set tariff"));
            byte[] raw = ecdsa.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            BigInteger r = P256ArithmeticTests.Big(raw[..32]);
            BigInteger s = P256ArithmeticTests.Big(raw[32..]);
            byte[] der = Der(r, s);
            Assert.IsTrue(VerifyDer(key, digest, der), "the unmodified signature");

            for (int length = 0; length < der.Length; length++)
            {
                Assert.IsFalse(Verifier.Verify(key, digest, der, 0, length), $"truncated to {length}");
            }

            Assert.IsFalse(VerifyDer(key, digest, [.. der, 0]), "extra byte");
            Assert.IsFalse(VerifyDer(key, digest, Replace(der, 0, 0x31)), "SET instead of SEQUENCE");
            Assert.IsFalse(VerifyDer(key, digest, Replace(der, 2, 0x03)), "BIT STRING instead of INTEGER");
            Assert.IsFalse(VerifyDer(key, digest, Der(r, s + N)), "s + n");
            Assert.IsFalse(VerifyDer(key, digest, Der(r + N, s)), "r + n");
            Assert.IsFalse(VerifyDer(key, digest, Der(N, s)), "r = n");
            Assert.IsFalse(VerifyDer(key, digest, Der(r, N)), "s = n");
            Assert.IsFalse(VerifyDer(key, digest, Der(BigInteger.Pow(2, 256) - 1, s)), "r = 2^256 - 1");
            Assert.IsFalse(VerifyDer(key, digest, Der(0, s)), "r = 0");
            Assert.IsFalse(VerifyDer(key, digest, Der(r, 0)), "s = 0");
            Assert.IsFalse(VerifyDer(key, digest, Der(-r, s)), "negative r");
            Assert.IsFalse(VerifyDer(key, digest, Der(r, -s)), "negative s");
            Assert.IsFalse(VerifyDer(key, digest, Der(r, s - N)), "s - n (negative)");

            // Hand-built encodings around the value of r.
            byte[] rBytes = r.ToByteArray(isUnsigned: false, isBigEndian: true);
            byte[] sBytes = s.ToByteArray(isUnsigned: false, isBigEndian: true);
            Assert.IsFalse(VerifyDer(key, digest, Sequence(Integer([0, .. rBytes]), Integer(sBytes))), "a needless leading zero");
            Assert.IsFalse(VerifyDer(key, digest, Sequence(Integer([1, .. rBytes]), Integer(sBytes))), "a 33-byte value");
            Assert.IsFalse(VerifyDer(key, digest, [0x30, 0x81, (byte)(der.Length - 2), .. der[2..]]), "long-form length");
            Assert.IsFalse(VerifyDer(key, digest, Sequence(Integer([]), Integer(sBytes))), "empty INTEGER");
            Assert.IsFalse(VerifyDer(key, digest, Sequence(Integer(rBytes))), "only r");
            Assert.IsFalse(VerifyDer(key, digest, Sequence(Integer(rBytes), Integer(sBytes), Integer([1]))), "three integers");
            Assert.IsFalse(VerifyDer(key, digest, [0x30, 0x80, .. der[2..], 0, 0]), "indefinite length");

            // Unusable arguments.
            Assert.IsFalse(Verifier.Verify(key, digest, null!, 0, 0));
            Assert.IsFalse(Verifier.Verify(key, digest, der, -1, der.Length));
            Assert.IsFalse(Verifier.Verify(key, digest, der, 1, der.Length));
            Assert.IsFalse(Verifier.Verify(key, digest, der, 0, -1));
            Assert.IsFalse(Verifier.Verify(key, digest, der, int.MaxValue, 2));
            Assert.IsFalse(Verifier.Verify(null!, digest, der, 0, der.Length));
            Assert.IsFalse(Verifier.Verify(key, null!, der, 0, der.Length));
            Assert.IsFalse(Verifier.Verify(key, digest[..31], der, 0, der.Length));
            Assert.IsFalse(Verifier.VerifyRaw(key, digest, raw, 1));
            Assert.IsFalse(Verifier.VerifyRaw(key, digest, raw, -1));
            Assert.IsFalse(Verifier.VerifyRaw(key, digest, null!, 0));
            Assert.IsFalse(Verifier.VerifyRaw(key, digest, raw[..63], 0));

            // The malleable twin (r, n - s) is a valid ECDSA signature: strictness is about encodings, not values.
            Assert.IsTrue(VerifyDer(key, digest, Der(r, N - s)), "(r, n - s)");
        }

        private static byte[] Replace(byte[] bytes, int index, byte value)
        {
            var copy = (byte[])bytes.Clone();
            copy[index] = value;
            return copy;
        }

        private static byte[] Integer(byte[] content) => [0x02, (byte)content.Length, .. content];

        private static byte[] Sequence(params byte[][] parts)
        {
            byte[] body = [];
            foreach (byte[] part in parts)
            {
                body = [.. body, .. part];
            }

            return [0x30, (byte)body.Length, .. body];
        }

        [TestMethod]
        public void Raw_signatures_with_r_or_s_out_of_range_fail()
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] key = PublicKey(ecdsa);
            byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes("raw"));
            byte[] raw = ecdsa.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            byte[] n = P256ArithmeticTests.Bytes32(N);
            Assert.IsTrue(Verifier.VerifyRaw(key, digest, raw, 0));
            Assert.IsFalse(Verifier.VerifyRaw(key, digest, [.. new byte[32], .. raw[32..]], 0), "r = 0");
            Assert.IsFalse(Verifier.VerifyRaw(key, digest, [.. raw[..32], .. new byte[32]], 0), "s = 0");
            Assert.IsFalse(Verifier.VerifyRaw(key, digest, [.. n, .. raw[32..]], 0), "r = n");
            Assert.IsFalse(Verifier.VerifyRaw(key, digest, [.. raw[..32], .. n], 0), "s = n");
            Assert.IsFalse(Verifier.VerifyRaw(key, digest, [.. raw[..32], .. P256ArithmeticTests.Bytes32(N - 1)], 0), "s = n - 1, wrong value");
            Assert.IsFalse(Verifier.VerifyRaw(key, digest, [.. Enumerable.Repeat((byte)0xff, 64)], 0), "all ones");
        }

        [TestMethod]
        public void Public_keys_off_the_curve_or_badly_encoded_are_rejected()
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] key = PublicKey(ecdsa);
            byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes("key"));
            byte[] der = ecdsa.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
            Assert.IsTrue(Verifier.IsValidPublicKey(key));
            Assert.IsTrue(VerifyDer(key, digest, der));

            byte[] offCurve = (byte[])key.Clone();
            offCurve[64] ^= 1;
            Assert.IsFalse(Verifier.IsValidPublicKey(offCurve), "y changed");
            Assert.IsFalse(VerifyDer(offCurve, digest, der));

            // The negated point (x, p - y) is on the curve, but it is another key.
            BigInteger p = P256ArithmeticTests.Big(Convert.FromHexString("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"));
            byte[] negated = [.. key[..33], .. P256ArithmeticTests.Bytes32(p - P256ArithmeticTests.Big(key[33..]))];
            Assert.IsTrue(Verifier.IsValidPublicKey(negated));
            Assert.IsFalse(VerifyDer(negated, digest, der));

            // Coordinates at or above p (x + p, y + p would be the same point if reduced).
            byte[] pBytes = P256ArithmeticTests.Bytes32(p);
            Assert.IsFalse(Verifier.IsValidPublicKey([0x04, .. pBytes, .. key[33..]]), "x = p");
            Assert.IsFalse(Verifier.IsValidPublicKey([0x04, .. key[1..33], .. pBytes]), "y = p");
            BigInteger y = P256ArithmeticTests.Big(key[33..]);
            if (y + p < BigInteger.Pow(2, 256))
            {
                Assert.IsFalse(Verifier.IsValidPublicKey([.. key[..33], .. P256ArithmeticTests.Bytes32(y + p)]), "y + p");
            }

            Assert.IsFalse(Verifier.IsValidPublicKey(new byte[65]), "all zero");
            Assert.IsFalse(Verifier.IsValidPublicKey([0x04, .. new byte[64]]), "(0, 0)");
            Assert.IsFalse(Verifier.IsValidPublicKey([0x00]), "the encoding of infinity");
            Assert.IsFalse(Verifier.IsValidPublicKey(Replace(key, 0, 0x02)), "compressed prefix");
            Assert.IsFalse(Verifier.IsValidPublicKey(Replace(key, 0, 0x06)), "hybrid prefix");
            Assert.IsFalse(Verifier.IsValidPublicKey(key[..64]), "short");
            Assert.IsFalse(Verifier.IsValidPublicKey([.. key, 0]), "long");
            Assert.IsFalse(Verifier.IsValidPublicKey(null!));
        }

        [TestMethod]
        public void Digests_of_zero_and_n_make_u1_zero_and_still_verify()
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] key = PublicKey(ecdsa);
            foreach (byte[] digest in new[] { new byte[32], P256ArithmeticTests.Bytes32(N) })
            {
                byte[] raw = ecdsa.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                Assert.IsTrue(Verifier.VerifyRaw(key, digest, raw, 0));
            }

            // Digests are taken mod n, so a signature of 0 also verifies for n.
            byte[] zero = new byte[32];
            byte[] signature = ecdsa.SignHash(zero, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            Assert.IsTrue(Verifier.VerifyRaw(key, P256ArithmeticTests.Bytes32(N), signature, 0));
        }
    }
}
