using System;

namespace AssetMeter.Firmware.Crypto
{
    /// <summary>
    /// SHA-256 (FIPS 180-4) in managed code: the hash of the meter's records (OCMF payloads) and of the commands
    /// it verifies. nanoFramework stable has no SHA-256 class, so the same code runs on the device and the host.
    /// </summary>
    /// <remarks>
    /// Incremental use: <see cref="Initialize"/>, any number of <see cref="Update"/> calls, then <see cref="Final"/>,
    /// which also re-initialises the instance for the next message. Nothing is allocated after construction.
    /// An instance is not thread-safe.
    /// </remarks>
    public sealed class Sha256
    {
        /// <summary>Length of a digest in bytes.</summary>
        public const int HashSizeBytes = 32;

        /// <summary>Length of the compression function's input block in bytes (HMAC pads keys to it).</summary>
        public const int BlockSizeBytes = 64;

        // FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
        private static readonly uint[] K =
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };

        private readonly uint[] _state = new uint[8];
        private readonly uint[] _schedule = new uint[64];
        private readonly byte[] _block = new byte[BlockSizeBytes];
        private int _blockLength;
        private long _totalBytes;

        /// <summary>Creates an instance ready for its first message.</summary>
        public Sha256()
        {
            Initialize();
        }

        /// <summary>
        /// Hashes <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/> and writes
        /// the 32-byte digest to <paramref name="output"/> at <paramref name="outputOffset"/>.
        /// </summary>
        /// <remarks>Allocates one working instance per call; keep an instance for allocation-free hashing.</remarks>
        /// <exception cref="ArgumentNullException">An array is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A range lies outside its array.</exception>
        public static void Hash(byte[] data, int offset, int count, byte[] output, int outputOffset)
        {
            var sha = new Sha256();
            sha.Update(data, offset, count);
            sha.Final(output, outputOffset);
        }

        /// <summary>Discards any input so far and starts a new message.</summary>
        public void Initialize()
        {
            // FIPS 180-4 §5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
            _state[0] = 0x6a09e667;
            _state[1] = 0xbb67ae85;
            _state[2] = 0x3c6ef372;
            _state[3] = 0xa54ff53a;
            _state[4] = 0x510e527f;
            _state[5] = 0x9b05688c;
            _state[6] = 0x1f83d9ab;
            _state[7] = 0x5be0cd19;
            _blockLength = 0;
            _totalBytes = 0;
        }

        /// <summary>Feeds <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/> into the message.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The range lies outside the array.</exception>
        public void Update(byte[] data, int offset, int count)
        {
            CheckRange(data, offset, count, "data");
            _totalBytes += count;

            if (_blockLength > 0)
            {
                int take = BlockSizeBytes - _blockLength;
                if (take > count)
                {
                    take = count;
                }

                Array.Copy(data, offset, _block, _blockLength, take);
                _blockLength += take;
                offset += take;
                count -= take;
                if (_blockLength < BlockSizeBytes)
                {
                    return;
                }

                Compress(_block, 0);
                _blockLength = 0;
            }

            // Whole blocks straight from the caller's array, without copying.
            while (count >= BlockSizeBytes)
            {
                Compress(data, offset);
                offset += BlockSizeBytes;
                count -= BlockSizeBytes;
            }

            if (count > 0)
            {
                Array.Copy(data, offset, _block, 0, count);
                _blockLength = count;
            }
        }

        /// <summary>
        /// Pads the message, writes its 32-byte digest to <paramref name="output"/> at <paramref name="outputOffset"/>
        /// and re-initialises the instance.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The 32 bytes do not fit in <paramref name="output"/>.</exception>
        public void Final(byte[] output, int outputOffset)
        {
            CheckRange(output, outputOffset, HashSizeBytes, "output");
            long bitLength = _totalBytes * 8;

            // FIPS 180-4 §5.1.1: a 1 bit, zeros to 56 mod 64 bytes, then the message length in bits, big-endian.
            _block[_blockLength++] = 0x80;
            if (_blockLength > BlockSizeBytes - 8)
            {
                Array.Clear(_block, _blockLength, BlockSizeBytes - _blockLength);
                Compress(_block, 0);
                _blockLength = 0;
            }

            Array.Clear(_block, _blockLength, BlockSizeBytes - 8 - _blockLength);
            for (int i = 0; i < 8; i++)
            {
                _block[BlockSizeBytes - 1 - i] = (byte)(bitLength >> (8 * i));
            }

            Compress(_block, 0);
            for (int i = 0; i < 8; i++)
            {
                uint word = _state[i];
                output[outputOffset + (4 * i)] = (byte)(word >> 24);
                output[outputOffset + (4 * i) + 1] = (byte)(word >> 16);
                output[outputOffset + (4 * i) + 2] = (byte)(word >> 8);
                output[outputOffset + (4 * i) + 3] = (byte)word;
            }

            Array.Clear(_block, 0, BlockSizeBytes);
            Initialize();
        }

        /// <summary>Copies this instance's running state (chaining value, pending bytes, length) into <paramref name="target"/>.</summary>
        /// <remarks>HMAC keeps the states after its padded key blocks and restores them for every message.</remarks>
        internal void CopyTo(Sha256 target)
        {
            Array.Copy(_state, target._state, 8);
            Array.Copy(_block, target._block, BlockSizeBytes);
            target._blockLength = _blockLength;
            target._totalBytes = _totalBytes;
        }

        internal static void CheckRange(byte[] array, int offset, int count, string name)
        {
            if (array == null)
            {
                throw new ArgumentNullException(name);
            }

            // Written so that no sum can overflow.
            if (offset < 0 || count < 0 || offset > array.Length || count > array.Length - offset)
            {
                throw new ArgumentOutOfRangeException(name, "range outside the array");
            }
        }

        private void Compress(byte[] data, int offset)
        {
            // Locals rather than fields: on the nanoFramework interpreter each field or array access is costly.
            uint[] w = _schedule;
            uint[] k = K;
            for (int t = 0; t < 16; t++)
            {
                int i = offset + (4 * t);
                w[t] = ((uint)data[i] << 24) | ((uint)data[i + 1] << 16) | ((uint)data[i + 2] << 8) | data[i + 3];
            }

            for (int t = 16; t < 64; t++)
            {
                uint x = w[t - 2];
                uint y = w[t - 15];
                uint sigma1 = ((x >> 17) | (x << 15)) ^ ((x >> 19) | (x << 13)) ^ (x >> 10);
                uint sigma0 = ((y >> 7) | (y << 25)) ^ ((y >> 18) | (y << 14)) ^ (y >> 3);
                w[t] = sigma1 + w[t - 7] + sigma0 + w[t - 16];
            }

            uint[] state = _state;
            uint a = state[0];
            uint b = state[1];
            uint c = state[2];
            uint d = state[3];
            uint e = state[4];
            uint f = state[5];
            uint g = state[6];
            uint h = state[7];
            for (int t = 0; t < 64; t++)
            {
                uint bigSigma1 = ((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7));
                uint t1 = h + bigSigma1 + ((e & f) ^ (~e & g)) + k[t] + w[t];
                uint bigSigma0 = ((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10));
                uint t2 = bigSigma0 + ((a & b) ^ (a & c) ^ (b & c));
                h = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
            }

            state[0] += a;
            state[1] += b;
            state[2] += c;
            state[3] += d;
            state[4] += e;
            state[5] += f;
            state[6] += g;
            state[7] += h;
        }
    }
}
