using System;

namespace AssetMeter.Firmware.Crypto
{
    /// <summary>
    /// HMAC-SHA256 (RFC 2104) over the managed <see cref="Sha256"/>, so that the host and every device image
    /// compute it identically, incrementally and without allocating.
    /// </summary>
    /// <remarks>
    /// The key is absorbed once, at construction or by <see cref="SetKey"/>: the hash states after the inner and
    /// outer padded key blocks are kept, so each message costs two compressions fewer, and the key bytes
    /// themselves are not retained. An instance is not thread-safe.
    /// </remarks>
    public sealed class HmacSha256
    {
        /// <summary>Length of a MAC in bytes.</summary>
        public const int MacSizeBytes = Sha256.HashSizeBytes;

        private const byte InnerPad = 0x36;
        private const byte OuterPad = 0x5c;

        private readonly Sha256 _inner = new Sha256();
        private readonly Sha256 _outer = new Sha256();
        private readonly Sha256 _innerKeyed = new Sha256();
        private readonly Sha256 _outerKeyed = new Sha256();
        private readonly byte[] _pad = new byte[Sha256.BlockSizeBytes];
        private readonly byte[] _innerHash = new byte[Sha256.HashSizeBytes];

        /// <summary>Creates an instance keyed with the whole of <paramref name="key"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        public HmacSha256(byte[] key)
        {
            if (key == null)
            {
                throw new ArgumentNullException("key");
            }

            SetKey(key, 0, key.Length);
        }

        /// <summary>Creates an instance keyed with <paramref name="count"/> bytes of <paramref name="key"/> from <paramref name="offset"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The range lies outside the array.</exception>
        public HmacSha256(byte[] key, int offset, int count)
        {
            SetKey(key, offset, count);
        }

        /// <summary>
        /// Computes the MAC of <paramref name="count"/> bytes of <paramref name="data"/> under the whole of
        /// <paramref name="key"/> and writes its 32 bytes to <paramref name="output"/> at <paramref name="outputOffset"/>.
        /// </summary>
        /// <remarks>Allocates a working instance; keep an instance for allocation-free use.</remarks>
        /// <exception cref="ArgumentNullException">An array is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A range lies outside its array.</exception>
        public static void Compute(byte[] key, byte[] data, int offset, int count, byte[] output, int outputOffset)
        {
            var hmac = new HmacSha256(key);
            hmac.Update(data, offset, count);
            hmac.Final(output, outputOffset);
        }

        /// <summary>
        /// Compares <paramref name="count"/> bytes of two arrays in a time that does not depend on where they differ,
        /// so that checking a received MAC does not tell an attacker how many of its leading bytes were right.
        /// </summary>
        /// <returns>True if the ranges are equal; false if they differ or a range is invalid.</returns>
        public static bool FixedTimeEquals(byte[] left, int leftOffset, byte[] right, int rightOffset, int count)
        {
            if (left == null || right == null || count < 0
                || leftOffset < 0 || leftOffset > left.Length || count > left.Length - leftOffset
                || rightOffset < 0 || rightOffset > right.Length || count > right.Length - rightOffset)
            {
                return false;
            }

            int difference = 0;
            for (int i = 0; i < count; i++)
            {
                difference |= left[leftOffset + i] ^ right[rightOffset + i];
            }

            return difference == 0;
        }

        /// <summary>Compares two whole arrays as <see cref="FixedTimeEquals(byte[], int, byte[], int, int)"/> does; arrays of different lengths are unequal.</summary>
        public static bool FixedTimeEquals(byte[] left, byte[] right)
        {
            if (left == null || right == null || left.Length != right.Length)
            {
                return false;
            }

            return FixedTimeEquals(left, 0, right, 0, left.Length);
        }

        /// <summary>Replaces the key (without allocating) and starts a new message.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The range lies outside the array.</exception>
        public void SetKey(byte[] key, int offset, int count)
        {
            Sha256.CheckRange(key, offset, count, "key");

            // RFC 2104 §2: a key longer than the block is replaced by its hash, and the key is zero-padded to the block.
            Array.Clear(_pad, 0, Sha256.BlockSizeBytes);
            if (count > Sha256.BlockSizeBytes)
            {
                _inner.Initialize();
                _inner.Update(key, offset, count);
                _inner.Final(_pad, 0);
            }
            else
            {
                Array.Copy(key, offset, _pad, 0, count);
            }

            for (int i = 0; i < Sha256.BlockSizeBytes; i++)
            {
                _pad[i] ^= InnerPad;
            }

            _innerKeyed.Initialize();
            _innerKeyed.Update(_pad, 0, Sha256.BlockSizeBytes);

            for (int i = 0; i < Sha256.BlockSizeBytes; i++)
            {
                _pad[i] ^= InnerPad ^ OuterPad;
            }

            _outerKeyed.Initialize();
            _outerKeyed.Update(_pad, 0, Sha256.BlockSizeBytes);

            // Leave no copy of the key behind.
            Array.Clear(_pad, 0, Sha256.BlockSizeBytes);
            Initialize();
        }

        /// <summary>Discards any input so far and starts a new message under the same key.</summary>
        public void Initialize()
        {
            _innerKeyed.CopyTo(_inner);
        }

        /// <summary>Feeds <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/> into the message.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The range lies outside the array.</exception>
        public void Update(byte[] data, int offset, int count)
        {
            _inner.Update(data, offset, count);
        }

        /// <summary>
        /// Writes the 32-byte MAC of the message to <paramref name="output"/> at <paramref name="outputOffset"/> and
        /// starts a new message under the same key.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The 32 bytes do not fit in <paramref name="output"/>.</exception>
        public void Final(byte[] output, int outputOffset)
        {
            Sha256.CheckRange(output, outputOffset, MacSizeBytes, "output");
            _inner.Final(_innerHash, 0);
            _outerKeyed.CopyTo(_outer);
            _outer.Update(_innerHash, 0, Sha256.HashSizeBytes);
            _outer.Final(output, outputOffset);
            Initialize();
        }
    }
}
