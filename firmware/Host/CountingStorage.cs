using System;
using System.Collections.Generic;
using AssetMeter.Firmware.Storage;

namespace AssetMeter.Firmware.Host
{
    /// <summary>The journal's kinds of file, told apart by name.</summary>
    public enum JournalFileKind
    {
        /// <summary>ck.a / ck.b: checkpoints.</summary>
        Checkpoint = 0,

        /// <summary>sN.a / sN.b: period segments.</summary>
        Segment = 1,

        /// <summary>eN.a / eN.b: event files.</summary>
        Event = 2,

        /// <summary>cal.a / cal.b: the stored calibration.</summary>
        Calibration = 3,

        /// <summary>Anything else.</summary>
        Other = 4,
    }

    /// <summary>What a <see cref="CountingStorage"/> has counted so far (subtract two to get a window).</summary>
    public readonly record struct StorageCounts(long[] Writes, long[] Bytes, long[] BlockWrites, long Deletes)
    {
        public long TotalWrites => Sum(Writes);

        public long TotalBytes => Sum(Bytes);

        public long TotalBlockWrites => Sum(BlockWrites);

        public StorageCounts Minus(StorageCounts earlier)
        {
            var writes = new long[Writes.Length];
            var bytes = new long[Bytes.Length];
            var blocks = new long[BlockWrites.Length];
            for (int i = 0; i < writes.Length; i++)
            {
                writes[i] = Writes[i] - earlier.Writes[i];
                bytes[i] = Bytes[i] - earlier.Bytes[i];
                blocks[i] = BlockWrites[i] - earlier.BlockWrites[i];
            }

            return new StorageCounts(writes, bytes, blocks, Deletes - earlier.Deletes);
        }

        private static long Sum(long[] values)
        {
            long total = 0;
            foreach (long value in values)
            {
                total += value;
            }

            return total;
        }
    }

    /// <summary>
    /// Counts what the journal does to flash, for the wear report: writes, bytes and blocks written per kind of file,
    /// deletes, and the blocks the live files occupy (now and at most), on the model of LittleFS with 4 KB blocks
    /// where every whole-file write puts each block of the file somewhere new (copy-on-write), so it costs at least
    /// one block erase per block of the file, however small the file.
    /// </summary>
    public sealed class CountingStorage : IStorage
    {
        /// <summary>LittleFS block (ESP32 flash erase sector) size, bytes.</summary>
        public const int BlockSize = 4096;

        private const int Kinds = 5;

        private readonly IStorage _inner;
        private readonly Dictionary<string, int> _lengths = new(StringComparer.Ordinal);
        private readonly long[] _writes = new long[Kinds];
        private readonly long[] _bytes = new long[Kinds];
        private readonly long[] _blockWrites = new long[Kinds];
        private long _deletes;

        public CountingStorage(IStorage inner)
        {
            _inner = inner;
        }

        /// <summary>Blocks the files present occupy now (each file at least one).</summary>
        public int BlocksInUse { get; private set; }

        /// <summary>Most blocks the files have occupied at any moment.</summary>
        public int PeakBlocksInUse { get; private set; }

        /// <summary>Writes that created a file (a name not present before).</summary>
        public long FilesCreated { get; private set; }

        /// <summary>Most files present at any moment.</summary>
        public int PeakFiles { get; private set; }

        /// <summary>The counts so far (a copy).</summary>
        public StorageCounts Counts => new((long[])_writes.Clone(), (long[])_bytes.Clone(), (long[])_blockWrites.Clone(), _deletes);

        /// <summary>Blocks a file of <paramref name="length"/> bytes occupies, and costs to write: at least one.</summary>
        public static int BlocksFor(int length) => Math.Max(1, (length + BlockSize - 1) / BlockSize);

        /// <summary>The kind of a journal file, from its name.</summary>
        public static JournalFileKind KindOf(string name)
        {
            if (name.StartsWith("ck.", StringComparison.Ordinal))
            {
                return JournalFileKind.Checkpoint;
            }

            if (name.StartsWith("cal.", StringComparison.Ordinal))
            {
                return JournalFileKind.Calibration;
            }

            if (name.Length > 1 && char.IsAsciiDigit(name[1]))
            {
                return name[0] == 's' ? JournalFileKind.Segment : name[0] == 'e' ? JournalFileKind.Event : JournalFileKind.Other;
            }

            return JournalFileKind.Other;
        }

        public int Read(string name, byte[] buffer) => _inner.Read(name, buffer);

        public void Write(string name, byte[] buffer, int count)
        {
            _inner.Write(name, buffer, count);
            int kind = (int)KindOf(name);
            _writes[kind]++;
            _bytes[kind] += count;
            _blockWrites[kind] += BlocksFor(count);
            if (_lengths.TryGetValue(name, out int previous))
            {
                BlocksInUse -= BlocksFor(previous);
            }
            else
            {
                FilesCreated++;
            }

            _lengths[name] = count;
            BlocksInUse += BlocksFor(count);
            PeakBlocksInUse = Math.Max(PeakBlocksInUse, BlocksInUse);
            PeakFiles = Math.Max(PeakFiles, _lengths.Count);
        }

        public void Delete(string name)
        {
            _inner.Delete(name);
            if (_lengths.Remove(name, out int previous))
            {
                BlocksInUse -= BlocksFor(previous);
                _deletes++;
            }
        }

        public int List(string[] names) => _inner.List(names);
    }
}
