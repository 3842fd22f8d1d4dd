namespace AssetMeter.Firmware.Crypto
{
    /// <summary>
    /// Verifies ECDSA signatures on the curve P-256 (secp256r1) in managed code (FIPS 186-4 §6.4.2, SEC 1 §4.1.4), for
    /// boards without a secure element that can do it: the meter checks commands signed by its collectors.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The verifier computes u1·G + u2·Q in Jacobian coordinates with interleaved width-w NAF recoding: a table of 16
    /// affine odd multiples of G, built once per process, and a table of 8 odd multiples of Q built per call. It
    /// compares x(R) with r without a final inversion. Every working array is allocated by the constructor, so a
    /// verification allocates nothing; keep one instance (it is not thread-safe).
    /// </para>
    /// <para>
    /// Verification handles public values only, so it is variable-time. Malformed input of any kind (wrong
    /// lengths, bad encodings, out-of-range values, points off the curve) gives false, never an exception.
    /// </para>
    /// </remarks>
    public sealed class EcdsaP256Verifier
    {
        /// <summary>Length of an uncompressed public key: 0x04, X, Y (SEC 1 §2.3.3).</summary>
        public const int PublicKeyLength = 65;

        /// <summary>Length of the digest the verifier accepts (SHA-256).</summary>
        public const int DigestLength = 32;

        private const int Limbs = UInt256.Limbs;
        private const int GWindow = 6;          // wNAF width for u1: digits odd in (-32, 32)
        private const int QWindow = 5;          // wNAF width for u2: digits odd in (-16, 16)
        private const int GTableSize = 1 << (GWindow - 2);
        private const int QTableSize = 1 << (QWindow - 2);
        private const int MaxNafLength = 257;   // a scalar below n < 2^256 recodes to at most 257 digits

        // FIPS 186-4 §D.1.2.3: the base point G, least significant limb first.
        private static readonly uint[] BaseX = { 0xd898c296, 0xf4a13945, 0x2deb33a0, 0x77037d81, 0x63a440f2, 0xf8bce6e5, 0xe12c4247, 0x6b17d1f2 };
        private static readonly uint[] BaseY = { 0x37bf51f5, 0xcbb64068, 0x6b315ece, 0x2bce3357, 0x7c0f9e16, 0x8ee7eb4a, 0xfe1a7f9b, 0x4fe342e2 };

        // 1G, 3G, 5G, ... 31G in affine coordinates: x of (2i+1)G at [2i], y at [2i + 1]. One array, published with a
        // single store, so a race between two first verifiers only builds it twice.
        private static uint[][] s_baseTable;

        private readonly P256Field _field = new P256Field();
        private readonly P256Scalar _scalar = new P256Scalar();
        private readonly byte[] _raw = new byte[DerSignature.RawLength];
        private readonly uint[] _qx = new uint[Limbs];
        private readonly uint[] _qy = new uint[Limbs];
        private readonly uint[] _r = new uint[Limbs];
        private readonly uint[] _s = new uint[Limbs];
        private readonly uint[] _e = new uint[Limbs];
        private readonly uint[] _w = new uint[Limbs];
        private readonly uint[] _u1 = new uint[Limbs];
        private readonly uint[] _u2 = new uint[Limbs];
        private readonly sbyte[] _naf1 = new sbyte[MaxNafLength];
        private readonly sbyte[] _naf2 = new sbyte[MaxNafLength];
        private readonly uint[][] _tableX = NewPoints(QTableSize);
        private readonly uint[][] _tableY = NewPoints(QTableSize);
        private readonly uint[][] _tableZ = NewPoints(QTableSize);
        private readonly uint[] _x = new uint[Limbs];
        private readonly uint[] _y = new uint[Limbs];
        private readonly uint[] _z = new uint[Limbs];
        private readonly uint[] _twiceX = new uint[Limbs];
        private readonly uint[] _twiceY = new uint[Limbs];
        private readonly uint[] _twiceZ = new uint[Limbs];
        private readonly uint[][] _t = NewPoints(8);

        /// <summary>Creates a verifier with all its working storage; the first one also builds the table of multiples of G.</summary>
        public EcdsaP256Verifier()
        {
            if (s_baseTable == null)
            {
                s_baseTable = BuildBaseTable();
            }
        }

        /// <summary>
        /// Verifies a DER signature (<c>SEQUENCE { INTEGER r, INTEGER s }</c>) in <paramref name="length"/> bytes of
        /// <paramref name="derSignature"/> from <paramref name="offset"/>, over a SHA-256 digest, under an uncompressed
        /// public key.
        /// </summary>
        /// <param name="publicKey65">0x04 ‖ X ‖ Y, 65 bytes.</param>
        /// <param name="digest32">The 32-byte SHA-256 digest of the signed message.</param>
        /// <param name="derSignature">The array holding the DER signature.</param>
        /// <param name="offset">Where the signature starts.</param>
        /// <param name="length">Its length in bytes (8 to 72).</param>
        /// <returns>True only for a valid signature; false for anything else, including malformed input.</returns>
        public bool Verify(byte[] publicKey65, byte[] digest32, byte[] derSignature, int offset, int length)
        {
            if (!DerSignature.TryToRaw(derSignature, offset, length, _raw, 0))
            {
                return false;
            }

            return VerifyRaw(publicKey65, digest32, _raw, 0);
        }

        /// <summary>
        /// Verifies a raw signature r ‖ s (two 32-byte big-endian integers, as the ATECC608 produces and IEEE P1363
        /// defines) at <paramref name="offset"/> in <paramref name="rawSignature"/>.
        /// </summary>
        /// <param name="publicKey65">0x04 ‖ X ‖ Y, 65 bytes.</param>
        /// <param name="digest32">The 32-byte SHA-256 digest of the signed message.</param>
        /// <param name="rawSignature">The array holding the 64-byte signature.</param>
        /// <param name="offset">Where the signature starts.</param>
        /// <returns>True only for a valid signature; false for anything else, including malformed input.</returns>
        public bool VerifyRaw(byte[] publicKey65, byte[] digest32, byte[] rawSignature, int offset)
        {
            if (digest32 == null || digest32.Length != DigestLength)
            {
                return false;
            }

            if (rawSignature == null || offset < 0 || offset > rawSignature.Length - DerSignature.RawLength)
            {
                return false;
            }

            if (!TryDecodePublicKey(publicKey65))
            {
                return false;
            }

            // SEC 1 §4.1.4 step 1: r and s in [1, n-1].
            if (!P256Scalar.TryRead(rawSignature, offset, _r) || P256Scalar.IsZero(_r)
                || !P256Scalar.TryRead(rawSignature, offset + 32, _s) || P256Scalar.IsZero(_s))
            {
                return false;
            }

            // Steps 4-6: e, then u1 = e/s and u2 = r/s mod n.
            P256Scalar.ReadDigest(digest32, 0, _e);
            _scalar.Invert(_w, _s);
            _scalar.Multiply(_u1, _e, _w);
            _scalar.Multiply(_u2, _r, _w);

            // Step 5: R = u1·G + u2·Q, or the point at infinity, which fails.
            MultiplyAndAdd();
            if (P256Field.IsZero(_z))
            {
                return false;
            }

            return XMatchesR();
        }

        /// <summary>True if <paramref name="publicKey65"/> is an uncompressed P-256 point (0x04 ‖ X ‖ Y) on the curve.</summary>
        /// <remarks>For checking a collector's key when it is provisioned, before it is trusted.</remarks>
        public bool IsValidPublicKey(byte[] publicKey65)
        {
            return TryDecodePublicKey(publicKey65);
        }

        // SEC 1 §3.2.2.1 partial public-key validation, which suffices for a curve of prime order: coordinates
        // below p and on the curve. The point at infinity has no uncompressed encoding, and (0, 0) is not on the curve.
        private bool TryDecodePublicKey(byte[] key)
        {
            if (key == null || key.Length != PublicKeyLength || key[0] != 0x04)
            {
                return false;
            }

            return P256Field.TryRead(key, 1, _qx) && P256Field.TryRead(key, 33, _qy) && _field.IsOnCurve(_qx, _qy);
        }

        private void MultiplyAndAdd()
        {
            int length1 = ToNaf(_u1, GWindow, _naf1);
            int length2 = ToNaf(_u2, QWindow, _naf2);
            BuildTable(_qx, _qy);

            uint[][] baseTable = s_baseTable;
            UInt256.Set(_z, 0);
            for (int i = (length1 > length2 ? length1 : length2) - 1; i >= 0; i--)
            {
                Double(_x, _y, _z);

                // The odd digit d selects dG: its x at [d - 1], its y at [d].
                int digit = _naf1[i];
                if (digit > 0)
                {
                    AddAffine(baseTable[digit - 1], baseTable[digit], false);
                }
                else if (digit < 0)
                {
                    AddAffine(baseTable[-digit - 1], baseTable[-digit], true);
                }

                digit = _naf2[i];
                if (digit > 0)
                {
                    AddJacobian(_x, _y, _z, _tableX[digit >> 1], _tableY[digit >> 1], _tableZ[digit >> 1], false);
                }
                else if (digit < 0)
                {
                    AddJacobian(_x, _y, _z, _tableX[-digit >> 1], _tableY[-digit >> 1], _tableZ[-digit >> 1], true);
                }
            }
        }

        // SEC 1 §4.1.4 steps 6-7 without inverting Z: x(R) = X/Z² and x(R) mod n = r means X = r'·Z² for r' = r or,
        // when r + n is still below p, r' = r + n.
        private bool XMatchesR()
        {
            uint[] zz = _t[0];
            uint[] candidate = _t[1];
            P256Field.Square(zz, _z);
            P256Field.Multiply(candidate, _r, zz);
            if (P256Field.AreEqual(candidate, _x))
            {
                return true;
            }

            if (UInt256.Add(candidate, _r, P256Scalar.Order) != 0 || UInt256.Compare(candidate, P256Field.Prime) >= 0)
            {
                return false;
            }

            P256Field.Multiply(candidate, candidate, zz);
            return P256Field.AreEqual(candidate, _x);
        }

        // Width-w NAF of a scalar below n, least significant digit first: odd digits in (-2^(w-1), 2^(w-1)) or zero.
        // Returns the number of digits; the rest of the array is zeroed.
        private int ToNaf(uint[] scalar, int width, sbyte[] naf)
        {
            uint[] k = _t[7];
            UInt256.Copy(k, scalar);
            int window = 1 << width;
            int length = 0;
            while (!UInt256.IsZero(k))
            {
                int digit = 0;
                if ((k[0] & 1) != 0)
                {
                    digit = (int)(k[0] & (uint)(window - 1));
                    if (digit >= window / 2)
                    {
                        digit -= window;
                    }

                    // k -= digit clears the low w bits; below n + 2^(w-1), it cannot leave 256 bits.
                    if (digit > 0)
                    {
                        k[0] -= (uint)digit;
                    }
                    else
                    {
                        ulong carry = (ulong)k[0] + (uint)-digit;
                        k[0] = (uint)carry;
                        for (int i = 1; i < Limbs && (carry >> 32) != 0; i++)
                        {
                            carry = (ulong)k[i] + 1;
                            k[i] = (uint)carry;
                        }
                    }
                }

                naf[length++] = (sbyte)digit;
                UInt256.ShiftRightOne(k, 0);
            }

            for (int i = length; i < naf.Length; i++)
            {
                naf[i] = 0;
            }

            return length;
        }

        // Odd multiples Q, 3Q, ... 15Q of the affine point (x, y), in Jacobian coordinates.
        private void BuildTable(uint[] x, uint[] y)
        {
            UInt256.Copy(_tableX[0], x);
            UInt256.Copy(_tableY[0], y);
            UInt256.Set(_tableZ[0], 1);
            UInt256.Copy(_twiceX, x);
            UInt256.Copy(_twiceY, y);
            UInt256.Set(_twiceZ, 1);
            Double(_twiceX, _twiceY, _twiceZ);
            for (int i = 1; i < QTableSize; i++)
            {
                UInt256.Copy(_tableX[i], _tableX[i - 1]);
                UInt256.Copy(_tableY[i], _tableY[i - 1]);
                UInt256.Copy(_tableZ[i], _tableZ[i - 1]);
                AddJacobian(_tableX[i], _tableY[i], _tableZ[i], _twiceX, _twiceY, _twiceZ, false);
            }
        }

        private uint[][] BuildBaseTable()
        {
            var table = new uint[2 * GTableSize][];
            uint[] inverse = new uint[Limbs];
            uint[] inverse2 = new uint[Limbs];

            // G, 3G, 5G, ... by repeated addition of 2G, each turned to affine so that the main loop can use the
            // cheaper mixed addition. One inversion per entry: this runs once per process.
            UInt256.Copy(_x, BaseX);
            UInt256.Copy(_y, BaseY);
            UInt256.Set(_z, 1);
            UInt256.Copy(_twiceX, BaseX);
            UInt256.Copy(_twiceY, BaseY);
            UInt256.Set(_twiceZ, 1);
            Double(_twiceX, _twiceY, _twiceZ);
            for (int i = 0; i < GTableSize; i++)
            {
                if (i > 0)
                {
                    AddJacobian(_x, _y, _z, _twiceX, _twiceY, _twiceZ, false);
                }

                // x = X/Z², y = Y/Z³
                uint[] x = new uint[Limbs];
                uint[] y = new uint[Limbs];
                _field.Invert(inverse, _z);
                P256Field.Square(inverse2, inverse);
                P256Field.Multiply(x, _x, inverse2);
                P256Field.Multiply(inverse2, inverse2, inverse);
                P256Field.Multiply(y, _y, inverse2);
                table[2 * i] = x;
                table[(2 * i) + 1] = y;
            }

            return table;
        }

        // (x, y, z) = 2(x, y, z) in place, for y² = x³ - 3x + b ("dbl-2001-b", Bernstein-Lange EFD: 3M + 5S).
        // z = 0 is the point at infinity and stays so.
        private void Double(uint[] x, uint[] y, uint[] z)
        {
            if (P256Field.IsZero(z))
            {
                return;
            }

            uint[] delta = _t[0];
            uint[] gamma = _t[1];
            uint[] beta = _t[2];
            uint[] alpha = _t[3];
            uint[] t = _t[4];
            uint[] u = _t[5];

            P256Field.Square(delta, z);
            P256Field.Square(gamma, y);
            P256Field.Multiply(beta, x, gamma);

            // alpha = 3(x - delta)(x + delta)
            P256Field.Subtract(t, x, delta);
            P256Field.Add(u, x, delta);
            P256Field.Multiply(t, t, u);
            P256Field.Add(alpha, t, t);
            P256Field.Add(alpha, alpha, t);

            // z3 = (y + z)² - gamma - delta, before y changes
            P256Field.Add(t, y, z);
            P256Field.Square(t, t);
            P256Field.Subtract(t, t, gamma);
            P256Field.Subtract(z, t, delta);

            // x3 = alpha² - 8 beta
            P256Field.Add(beta, beta, beta);
            P256Field.Add(beta, beta, beta);
            P256Field.Add(u, beta, beta);
            P256Field.Square(x, alpha);
            P256Field.Subtract(x, x, u);

            // y3 = alpha(4 beta - x3) - 8 gamma²
            P256Field.Subtract(beta, beta, x);
            P256Field.Multiply(beta, alpha, beta);
            P256Field.Square(gamma, gamma);
            P256Field.Add(gamma, gamma, gamma);
            P256Field.Add(gamma, gamma, gamma);
            P256Field.Add(gamma, gamma, gamma);
            P256Field.Subtract(y, beta, gamma);
        }

        // (x1, y1, z1) += (x2, ±y2, z2), both Jacobian, in place ("add-1998-cmo-2", EFD: 12M + 4S), with the cases
        // the formula cannot take: either point at infinity, equal points (double) and opposite points (infinity).
        private void AddJacobian(uint[] x1, uint[] y1, uint[] z1, uint[] x2, uint[] y2, uint[] z2, bool negate)
        {
            if (P256Field.IsZero(z2))
            {
                return;
            }

            if (P256Field.IsZero(z1))
            {
                UInt256.Copy(x1, x2);
                SetY(y1, y2, negate);
                UInt256.Copy(z1, z2);
                return;
            }

            uint[] y2s = _t[0];
            uint[] z1z1 = _t[1];
            uint[] z2z2 = _t[2];
            uint[] u1 = _t[3];
            uint[] u2 = _t[4];
            uint[] s1 = _t[5];
            uint[] s2 = _t[6];

            SetY(y2s, y2, negate);
            P256Field.Square(z1z1, z1);
            P256Field.Square(z2z2, z2);
            P256Field.Multiply(u1, x1, z2z2);
            P256Field.Multiply(u2, x2, z1z1);
            P256Field.Multiply(s1, z2, z2z2);
            P256Field.Multiply(s1, y1, s1);
            P256Field.Multiply(s2, z1, z1z1);
            P256Field.Multiply(s2, y2s, s2);

            uint[] h = u2;
            uint[] r = s2;
            P256Field.Subtract(h, u2, u1);
            P256Field.Subtract(r, s2, s1);
            if (P256Field.IsZero(h))
            {
                if (P256Field.IsZero(r))
                {
                    Double(x1, y1, z1);
                }
                else
                {
                    UInt256.Set(z1, 0);
                }

                return;
            }

            uint[] hh = z1z1;
            uint[] hhh = z2z2;
            uint[] v = u1;
            P256Field.Square(hh, h);
            P256Field.Multiply(hhh, h, hh);
            P256Field.Multiply(v, u1, hh);

            // x3 = r² - h³ - 2v; y3 = r(v - x3) - s1·h³; z3 = z1·z2·h
            P256Field.Square(x1, r);
            P256Field.Subtract(x1, x1, hhh);
            P256Field.Subtract(x1, x1, v);
            P256Field.Subtract(x1, x1, v);
            P256Field.Subtract(v, v, x1);
            P256Field.Multiply(v, r, v);
            P256Field.Multiply(s1, s1, hhh);
            P256Field.Subtract(y1, v, s1);
            P256Field.Multiply(z1, z1, z2);
            P256Field.Multiply(z1, z1, h);
        }

        // (x, y, z) of the accumulator += (ax, ±ay, 1) ("madd" form of the above: 8M + 3S).
        private void AddAffine(uint[] ax, uint[] ay, bool negate)
        {
            uint[] x1 = _x;
            uint[] y1 = _y;
            uint[] z1 = _z;
            if (P256Field.IsZero(z1))
            {
                UInt256.Copy(x1, ax);
                SetY(y1, ay, negate);
                UInt256.Set(z1, 1);
                return;
            }

            uint[] y2s = _t[0];
            uint[] z1z1 = _t[1];
            uint[] u2 = _t[2];
            uint[] s2 = _t[3];

            SetY(y2s, ay, negate);
            P256Field.Square(z1z1, z1);
            P256Field.Multiply(u2, ax, z1z1);
            P256Field.Multiply(s2, z1, z1z1);
            P256Field.Multiply(s2, y2s, s2);

            uint[] h = u2;
            uint[] r = s2;
            P256Field.Subtract(h, u2, x1);
            P256Field.Subtract(r, s2, y1);
            if (P256Field.IsZero(h))
            {
                if (P256Field.IsZero(r))
                {
                    Double(x1, y1, z1);
                }
                else
                {
                    UInt256.Set(z1, 0);
                }

                return;
            }

            uint[] hh = z1z1;
            uint[] hhh = _t[4];
            uint[] v = _t[5];
            P256Field.Square(hh, h);
            P256Field.Multiply(hhh, h, hh);
            P256Field.Multiply(v, x1, hh);

            P256Field.Square(x1, r);
            P256Field.Subtract(x1, x1, hhh);
            P256Field.Subtract(x1, x1, v);
            P256Field.Subtract(x1, x1, v);
            P256Field.Subtract(v, v, x1);
            P256Field.Multiply(v, r, v);
            P256Field.Multiply(hhh, y1, hhh);
            P256Field.Subtract(y1, v, hhh);
            P256Field.Multiply(z1, z1, h);
        }

        private static void SetY(uint[] result, uint[] y, bool negate)
        {
            if (negate)
            {
                P256Field.Negate(result, y);
            }
            else
            {
                UInt256.Copy(result, y);
            }
        }

        private static uint[][] NewPoints(int count)
        {
            var points = new uint[count][];
            for (int i = 0; i < count; i++)
            {
                points[i] = new uint[Limbs];
            }

            return points;
        }
    }
}
