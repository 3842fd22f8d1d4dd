using System;
using System.Numerics;
using System.Security.Cryptography;
using AssetMeter.Firmware.Crypto;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Crypto
{
    /// <summary>The field (mod p) and scalar (mod n) arithmetic against System.Numerics.BigInteger.</summary>
    [TestClass]
    public class P256ArithmeticTests
    {
        private static readonly ECParameters Curve = ExplicitCurve();
        private static readonly BigInteger P = Big(Curve.Curve.Prime!);
        private static readonly BigInteger N = Big(Curve.Curve.Order!);

        private static ECParameters ExplicitCurve()
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return ecdsa.ExportExplicitParameters(false);
        }

        internal static BigInteger Big(byte[] bigEndian) => new BigInteger(bigEndian, isUnsigned: true, isBigEndian: true);

        internal static byte[] Bytes32(BigInteger value)
        {
            byte[] raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
            var bytes = new byte[32];
            Array.Copy(raw, 0, bytes, 32 - raw.Length, raw.Length);
            return bytes;
        }

        private static uint[] Limbs(BigInteger value)
        {
            var limbs = new uint[8];
            Assert.IsTrue(P256Field.TryRead(Bytes32(value), 0, limbs) || value >= P);
            return limbs;
        }

        private static BigInteger Value(uint[] limbs)
        {
            var bytes = new byte[32];
            P256Field.Write(limbs, bytes, 0);
            return Big(bytes);
        }

        // Values that stress carries and the reduction: near 0, near the modulus, runs of ones, single high bits.
        private static BigInteger[] EdgeValues(BigInteger modulus)
        {
            return new[]
            {
                BigInteger.Zero, BigInteger.One, new BigInteger(2), new BigInteger(3), modulus - 1, modulus - 2, modulus - 3,
                (modulus - 1) / 2, (modulus + 1) / 2, BigInteger.Pow(2, 255), BigInteger.Pow(2, 224), BigInteger.Pow(2, 192),
                BigInteger.Pow(2, 96), BigInteger.Pow(2, 32) - 1, BigInteger.Pow(2, 224) - 1, BigInteger.Pow(2, 255) - 1,
                modulus - BigInteger.Pow(2, 96), modulus - BigInteger.Pow(2, 128), uint.MaxValue * (BigInteger)ulong.MaxValue,
            };
        }

        private static BigInteger Random(Random random, BigInteger modulus, BigInteger[] edges)
        {
            if (random.Next(4) == 0)
            {
                return edges[random.Next(edges.Length)] % modulus;
            }

            var bytes = new byte[32];
            random.NextBytes(bytes);
            return Big(bytes) % modulus;
        }

        [TestMethod]
        public void Moduli_and_curve_match_dotnet_nistP256()
        {
            var limbs = new uint[8];
            Assert.IsFalse(P256Field.TryRead(Curve.Curve.Prime!, 0, limbs), "p itself is not a field element");
            Assert.IsTrue(P256Field.TryRead(Bytes32(P - 1), 0, limbs));
            Assert.IsFalse(P256Scalar.TryRead(Curve.Curve.Order!, 0, limbs), "n itself is not a scalar");
            Assert.IsTrue(P256Scalar.TryRead(Bytes32(N - 1), 0, limbs));
            Assert.AreEqual(P - 3, Big(Curve.Curve.A!), "a = -3, which the doubling formula assumes");

            var field = new P256Field();
            var x = new uint[8];
            var y = new uint[8];
            Assert.IsTrue(P256Field.TryRead(Curve.Curve.G.X!, 0, x));
            Assert.IsTrue(P256Field.TryRead(Curve.Curve.G.Y!, 0, y));
            Assert.IsTrue(field.IsOnCurve(x, y), "G is on the curve (checks b)");
            P256Field.Add(y, y, x);
            Assert.IsFalse(field.IsOnCurve(x, y));
        }

        [TestMethod]
        public void Field_operations_agree_with_BigInteger()
        {
            var field = new P256Field();
            BigInteger[] edges = EdgeValues(P);
            var r = new uint[8];

            // Every pair of edge values, then random ones.
            foreach (BigInteger a in edges)
            {
                foreach (BigInteger b in edges)
                {
                    CheckField(field, a % P, b % P, r);
                }
            }

            Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
            {
                var random = new Random(seed);
                CheckField(field, Random(random, P, edges), Random(random, P, edges), r);
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
        }

        private static void CheckField(P256Field field, BigInteger a, BigInteger b, uint[] r)
        {
            uint[] la = Limbs(a);
            uint[] lb = Limbs(b);
            string what = $"a={a:X}, b={b:X}";
            P256Field.Multiply(r, la, lb);
            Assert.AreEqual(a * b % P, Value(r), "multiply " + what);
            P256Field.Square(r, la);
            Assert.AreEqual(a * a % P, Value(r), "square " + what);
            P256Field.Add(r, la, lb);
            Assert.AreEqual((a + b) % P, Value(r), "add " + what);
            P256Field.Subtract(r, la, lb);
            Assert.AreEqual(((a - b) % P + P) % P, Value(r), "subtract " + what);
            P256Field.Negate(r, la);
            Assert.AreEqual((P - a) % P, Value(r), "negate " + what);
            field.Invert(r, la);
            Assert.AreEqual(a.IsZero ? BigInteger.Zero : BigInteger.ModPow(a, P - 2, P), Value(r), "invert " + what);

            // Results may alias operands.
            uint[] copy = (uint[])la.Clone();
            P256Field.Multiply(copy, copy, copy);
            Assert.AreEqual(a * a % P, Value(copy), "aliased multiply " + what);
        }

        [TestMethod]
        public void Scalar_operations_agree_with_BigInteger()
        {
            var scalar = new P256Scalar();
            BigInteger[] edges = EdgeValues(N);
            var r = new uint[8];
            var la = new uint[8];
            var lb = new uint[8];
            Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
            {
                var random = new Random(seed);
                BigInteger a = Random(random, N, edges);
                BigInteger b = Random(random, N, edges);
                Assert.IsTrue(P256Scalar.TryRead(Bytes32(a), 0, la));
                Assert.IsTrue(P256Scalar.TryRead(Bytes32(b), 0, lb));
                var bytes = new byte[32];
                scalar.Multiply(r, la, lb);
                P256Scalar.Write(r, bytes, 0);
                Assert.AreEqual(a * b % N, Big(bytes), $"multiply {a:X} {b:X}");
                scalar.Invert(r, la);
                P256Scalar.Write(r, bytes, 0);
                Assert.AreEqual(a.IsZero ? BigInteger.Zero : BigInteger.ModPow(a, N - 2, N), Big(bytes), $"invert {a:X}");
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
        }

        [TestMethod]
        public void Digests_are_reduced_mod_n()
        {
            var e = new uint[8];
            var bytes = new byte[32];
            foreach (BigInteger digest in new[] { BigInteger.Zero, N - 1, N, N + 1, BigInteger.Pow(2, 256) - 1 })
            {
                P256Scalar.ReadDigest(Bytes32(digest), 0, e);
                P256Scalar.Write(e, bytes, 0);
                Assert.AreEqual(digest % N, Big(bytes));
            }
        }
    }
}
