using System;

namespace AssetMeter.Firmware.Crypto
{
    /// <summary>
    /// Converts ECDSA P-256 signatures between the raw form r‖s (two 32-byte big-endian integers, what the ATECC608
    /// and IEEE P1363 produce) and the DER form <c>SEQUENCE { INTEGER r, INTEGER s }</c> (RFC 3279 §2.2.3, what OCMF
    /// and openssl use).
    /// </summary>
    /// <remarks>
    /// Decoding is strict DER (X.690 §10): definite short-form lengths only (a P-256 signature is at most 72 bytes),
    /// minimal two's-complement integers, no negative values, nothing after the sequence. Whether r and s lie in
    /// [1, n-1] is the verifier's check, not the encoding's.
    /// </remarks>
    public static class DerSignature
    {
        /// <summary>Length of the raw form r‖s.</summary>
        public const int RawLength = 64;

        /// <summary>Longest DER form: 2 bytes of sequence header and two INTEGERs of 2 + 33 bytes.</summary>
        public const int MaxDerLength = 72;

        private const byte SequenceTag = 0x30;
        private const byte IntegerTag = 0x02;
        private const int ComponentLength = 32;

        /// <summary>The DER form of the 64-byte raw signature at <paramref name="offset"/> in <paramref name="raw"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="raw"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The 64 bytes do not fit in <paramref name="raw"/>.</exception>
        public static byte[] FromRaw(byte[] raw, int offset)
        {
            Sha256.CheckRange(raw, offset, RawLength, "raw");
            int length = EncodedLength(raw, offset);
            byte[] der = new byte[length];
            FromRaw(raw, offset, der, 0);
            return der;
        }

        /// <summary>
        /// Writes the DER form of the 64-byte raw signature at <paramref name="rawOffset"/> to <paramref name="output"/>
        /// at <paramref name="outputOffset"/>, without allocating, and returns its length (8 to <see cref="MaxDerLength"/>).
        /// </summary>
        /// <exception cref="ArgumentNullException">An array is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The input or the encoding does not fit its array.</exception>
        public static int FromRaw(byte[] raw, int rawOffset, byte[] output, int outputOffset)
        {
            Sha256.CheckRange(raw, rawOffset, RawLength, "raw");
            int length = EncodedLength(raw, rawOffset);
            Sha256.CheckRange(output, outputOffset, length, "output");

            int at = outputOffset;
            output[at++] = SequenceTag;
            output[at++] = (byte)(length - 2);
            at = WriteInteger(raw, rawOffset, output, at);
            WriteInteger(raw, rawOffset + ComponentLength, output, at);
            return length;
        }

        /// <summary>
        /// The 64-byte raw form of the DER signature in <paramref name="length"/> bytes of <paramref name="der"/> from
        /// <paramref name="offset"/>, or null if that is not a strict DER encoding of two non-negative integers
        /// below 2^256.
        /// </summary>
        public static byte[] ToRaw(byte[] der, int offset, int length)
        {
            byte[] raw = new byte[RawLength];
            return TryToRaw(der, offset, length, raw, 0) ? raw : null;
        }

        /// <summary>
        /// Decodes as <see cref="ToRaw"/> does into <paramref name="raw"/> at <paramref name="rawOffset"/>, without
        /// allocating; false on malformed input or unusable arguments, never an exception.
        /// </summary>
        public static bool TryToRaw(byte[] der, int offset, int length, byte[] raw, int rawOffset)
        {
            if (raw == null || rawOffset < 0 || rawOffset > raw.Length - RawLength)
            {
                return false;
            }

            if (der == null || offset < 0 || length < 0 || offset > der.Length || length > der.Length - offset)
            {
                return false;
            }

            // SEQUENCE with a short-form length that covers exactly the rest of the input.
            if (length < 2 || length > MaxDerLength || der[offset] != SequenceTag || der[offset + 1] != length - 2)
            {
                return false;
            }

            int end = offset + length;
            int at = ReadInteger(der, offset + 2, end, raw, rawOffset);
            if (at < 0)
            {
                return false;
            }

            at = ReadInteger(der, at, end, raw, rawOffset + ComponentLength);
            return at == end;
        }

        // Reads one INTEGER at `at` (not past `end`) into 32 big-endian bytes; returns the offset after it, or -1.
        private static int ReadInteger(byte[] der, int at, int end, byte[] output, int outputOffset)
        {
            if (end - at < 2 || der[at] != IntegerTag)
            {
                return -1;
            }

            // A length byte of 0x80 or more would be long form, which DER reserves for 128 bytes and more.
            int length = der[at + 1];
            at += 2;
            if (length < 1 || length > ComponentLength + 1 || length > end - at)
            {
                return -1;
            }

            if ((der[at] & 0x80) != 0)
            {
                return -1;  // negative
            }

            if (length > 1 && der[at] == 0 && (der[at + 1] & 0x80) == 0)
            {
                return -1;  // a leading zero byte that is not needed for the sign
            }

            if (length == ComponentLength + 1)
            {
                // The only 33-byte form is the sign byte before a 32-byte value with its top bit set.
                if (der[at] != 0)
                {
                    return -1;
                }

                at++;
                length--;
            }

            int padding = ComponentLength - length;
            for (int i = 0; i < padding; i++)
            {
                output[outputOffset + i] = 0;
            }

            Array.Copy(der, at, output, outputOffset + padding, length);
            return at + length;
        }

        private static int EncodedLength(byte[] raw, int offset)
        {
            return 2 + 2 + IntegerContentLength(raw, offset) + 2 + IntegerContentLength(raw, offset + ComponentLength);
        }

        // Minimal two's-complement length of a 32-byte unsigned big-endian value: leading zeros dropped (one byte
        // is kept for zero), and a zero byte put back in front when the top bit is set.
        private static int IntegerContentLength(byte[] raw, int offset)
        {
            int skip = 0;
            while (skip < ComponentLength - 1 && raw[offset + skip] == 0)
            {
                skip++;
            }

            int length = ComponentLength - skip;
            return (raw[offset + skip] & 0x80) != 0 ? length + 1 : length;
        }

        private static int WriteInteger(byte[] raw, int offset, byte[] output, int at)
        {
            int skip = 0;
            while (skip < ComponentLength - 1 && raw[offset + skip] == 0)
            {
                skip++;
            }

            int length = ComponentLength - skip;
            bool signByte = (raw[offset + skip] & 0x80) != 0;
            output[at++] = IntegerTag;
            output[at++] = (byte)(signByte ? length + 1 : length);
            if (signByte)
            {
                output[at++] = 0;
            }

            Array.Copy(raw, offset + skip, output, at, length);
            return at + length;
        }
    }
}
