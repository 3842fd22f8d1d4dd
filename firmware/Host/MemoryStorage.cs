using System;
using System.Collections.Generic;
using AssetMeter.Firmware.Journal;
using AssetMeter.Firmware.Storage;

namespace AssetMeter.Firmware.Host
{
    /// <summary>
    /// Storage in memory, surviving any number of simulated restarts of the meter (the meter object is dropped,
    /// the storage object kept). Writes into a file's existing array where the size allows, and sizes arrays in
    /// whole 4 KB blocks, so steady-state writes allocate nothing.
    /// </summary>
    public sealed class MemoryStorage : IStorage
    {
        private const int BlockSize = 4096;

        private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _lengths = new(StringComparer.Ordinal);

        /// <summary>Total bytes written (the flash wear figure).</summary>
        public long BytesWritten { get; private set; }

        /// <summary>Total writes.</summary>
        public long Writes { get; private set; }

        /// <summary>Bytes held by the files now.</summary>
        public long BytesStored
        {
            get
            {
                long total = 0;
                foreach (var length in _lengths.Values)
                {
                    total += length;
                }

                return total;
            }
        }

        /// <summary>Number of files.</summary>
        public int FileCount => _files.Count;

        public int Read(string name, byte[] buffer)
        {
            if (!_files.TryGetValue(name, out var content))
            {
                return -1;
            }

            int length = Math.Min(_lengths[name], buffer.Length);
            Array.Copy(content, buffer, length);
            return length;
        }

        public void Write(string name, byte[] buffer, int count)
        {
            if (!_files.TryGetValue(name, out var content) || content.Length < count)
            {
                // Whole 4 KB blocks, as on flash: a file that grows a little at a time (a segment gains 15 bytes
                // per period) is then reallocated once per block, not on every write.
                content = new byte[Math.Max(BlockSize, ((count + BlockSize - 1) / BlockSize) * BlockSize)];
                _files[name] = content;
            }

            Array.Copy(buffer, content, count);
            _lengths[name] = count;
            BytesWritten += count;
            Writes++;
        }

        public void Delete(string name)
        {
            _files.Remove(name);
            _lengths.Remove(name);
        }

        public int List(string[] names)
        {
            int count = 0;
            foreach (var name in _files.Keys)
            {
                if (count == names.Length)
                {
                    break;
                }

                names[count++] = name;
            }

            return count;
        }

        /// <summary>Direct access for fault injection: the stored bytes of a file (null if absent).</summary>
        public byte[]? Peek(string name, out int length)
        {
            length = _files.ContainsKey(name) ? _lengths[name] : 0;
            return _files.TryGetValue(name, out var content) ? content : null;
        }

        /// <summary>Replaces a file's stored bytes directly (fault injection).</summary>
        public void Poke(string name, byte[] content, int length)
        {
            var copy = new byte[Math.Max(length, 1)];
            Array.Copy(content, copy, length);
            _files[name] = copy;
            _lengths[name] = length;
        }

        /// <summary>Names of the files, sorted (diagnostics).</summary>
        public IReadOnlyList<string> Names
        {
            get
            {
                var names = new List<string>(_files.Keys);
                names.Sort(StringComparer.Ordinal);
                return names;
            }
        }
    }
}
