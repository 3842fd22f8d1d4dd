using AssetMeter.Metrology.Arithmetic;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Firmware.Journal
{
    /// <summary>
    /// Stored form of a <see cref="MeterCheckpoint"/>: "CKP1", write sequence (4), payload length (2), payload,
    /// CRC-32 of everything before it. Big-endian. A checkpoint that fails any check is not used.
    /// </summary>
    public static class CheckpointCodec
    {
        /// <summary>Bytes of the stored form.</summary>
        public const int Length = HeaderLength + PayloadLength + 4;

        private const int HeaderLength = 10;
        private const int PayloadLength = 23 * 8;

        /// <summary>Writes the stored form with write sequence <paramref name="sequence"/>; returns its length.</summary>
        public static int Write(MeterCheckpoint checkpoint, uint sequence, byte[] buffer)
        {
            buffer[0] = (byte)'C';
            buffer[1] = (byte)'K';
            buffer[2] = (byte)'P';
            buffer[3] = (byte)'1';
            BigEndian.WriteUInt32(buffer, 4, sequence);
            BigEndian.WriteUInt16(buffer, 8, PayloadLength);
            int at = HeaderLength;
            HalfHourPeriod open = checkpoint.Ledger.Open;
            at = Put(buffer, at, checkpoint.Ledger.LastTicks);
            at = Put(buffer, at, open.StartTicks);
            at = Put(buffer, at, open.ImportStartMicrowattHours);
            at = Put(buffer, at, open.ImportEndMicrowattHours);
            at = Put(buffer, at, open.ExportStartMicrowattHours);
            at = Put(buffer, at, open.ExportEndMicrowattHours);
            at = Put(buffer, at, (long)open.Flags);
            at = Put(buffer, at, checkpoint.ImportRemainder);
            at = Put(buffer, at, checkpoint.ExportRemainder);
            at = Put(buffer, at, checkpoint.ScaleNumerator);
            at = Put(buffer, at, checkpoint.ScaleDenominator);
            at = Put(buffer, at, checkpoint.HasBaseline ? 1 : 0);
            at = Put(buffer, at, checkpoint.Baseline);
            at = Put(buffer, at, checkpoint.AcknowledgedPeriodIndex);
            at = Put(buffer, at, checkpoint.NextEventSequence);
            at = Put(buffer, at, checkpoint.NextPagination);
            at = Put(buffer, at, checkpoint.LastCommandCounter);
            at = Put(buffer, at, checkpoint.ClockFrequencyPpb);
            at = Put(buffer, at, checkpoint.CalibrationVersion);
            at = Put(buffer, at, (checkpoint.TimeKnown ? 1L : 0L));
            at = Put(buffer, at, checkpoint.PendingImportMicrowattHours);
            at = Put(buffer, at, checkpoint.PendingExportMicrowattHours);
            at = Put(buffer, at, checkpoint.PublishedEventSequence);
            BigEndian.WriteUInt32(buffer, at, Crc32.Compute(buffer, 0, at));
            return at + 4;
        }

        /// <summary>
        /// Reads a stored checkpoint; null if the bytes are not a whole, intact checkpoint. <paramref name="sequence"/>
        /// is its write sequence.
        /// </summary>
        public static MeterCheckpoint Read(byte[] buffer, int length, out uint sequence)
        {
            sequence = 0;
            if (length != Length || buffer[0] != (byte)'C' || buffer[1] != (byte)'K' || buffer[2] != (byte)'P' || buffer[3] != (byte)'1'
                || BigEndian.ReadUInt16(buffer, 8) != PayloadLength
                || BigEndian.ReadUInt32(buffer, Length - 4) != Crc32.Compute(buffer, 0, Length - 4))
            {
                return null;
            }

            sequence = BigEndian.ReadUInt32(buffer, 4);
            MeterCheckpoint checkpoint = new MeterCheckpoint();
            int at = HeaderLength;
            checkpoint.Ledger.LastTicks = Get(buffer, ref at);
            checkpoint.Ledger.Open.StartTicks = Get(buffer, ref at);
            checkpoint.Ledger.Open.ImportStartMicrowattHours = Get(buffer, ref at);
            checkpoint.Ledger.Open.ImportEndMicrowattHours = Get(buffer, ref at);
            checkpoint.Ledger.Open.ExportStartMicrowattHours = Get(buffer, ref at);
            checkpoint.Ledger.Open.ExportEndMicrowattHours = Get(buffer, ref at);
            checkpoint.Ledger.Open.Flags = (PeriodFlags)(int)Get(buffer, ref at);
            checkpoint.ImportRemainder = Get(buffer, ref at);
            checkpoint.ExportRemainder = Get(buffer, ref at);
            checkpoint.ScaleNumerator = Get(buffer, ref at);
            checkpoint.ScaleDenominator = Get(buffer, ref at);
            checkpoint.HasBaseline = Get(buffer, ref at) != 0;
            checkpoint.Baseline = (int)Get(buffer, ref at);
            checkpoint.AcknowledgedPeriodIndex = Get(buffer, ref at);
            checkpoint.NextEventSequence = (uint)Get(buffer, ref at);
            checkpoint.NextPagination = Get(buffer, ref at);
            checkpoint.LastCommandCounter = Get(buffer, ref at);
            checkpoint.ClockFrequencyPpb = Get(buffer, ref at);
            checkpoint.CalibrationVersion = (int)Get(buffer, ref at);
            checkpoint.TimeKnown = Get(buffer, ref at) != 0;
            checkpoint.PendingImportMicrowattHours = Get(buffer, ref at);
            checkpoint.PendingExportMicrowattHours = Get(buffer, ref at);
            checkpoint.PublishedEventSequence = (uint)Get(buffer, ref at);
            return checkpoint;
        }

        private static int Put(byte[] buffer, int at, long value)
        {
            BigEndian.WriteInt64(buffer, at, value);
            return at + 8;
        }

        private static long Get(byte[] buffer, ref int at)
        {
            long value = BigEndian.ReadInt64(buffer, at);
            at += 8;
            return value;
        }
    }
}
