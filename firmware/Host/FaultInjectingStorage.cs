using System;
using AssetMeter.Firmware.Storage;

namespace AssetMeter.Firmware.Host
{
    /// <summary>Thrown out of a storage write to simulate the meter losing power in the middle of it.</summary>
    public sealed class PowerCutException : Exception
    {
        public PowerCutException(string message)
            : base(message)
        {
        }
    }

    /// <summary>How a write cut by a power failure is left on flash.</summary>
    public enum TornWrite
    {
        /// <summary>The write never happened: the old content (or no file) remains. What LittleFS guarantees.</summary>
        NotWritten,

        /// <summary>Only a prefix of the new content was written.</summary>
        Truncated,

        /// <summary>The new content was written with its tail garbled.</summary>
        GarbledTail,

        /// <summary>The file is left empty.</summary>
        Empty,
    }

    /// <summary>
    /// Wraps <see cref="MemoryStorage"/> and, when armed, cuts the power during a chosen write: the write is left
    /// torn in one of the <see cref="TornWrite"/> ways, and from then on the storage is dead (every write and
    /// delete throws and changes nothing) until <see cref="PowerUp"/>: whatever the meter does in RAM after the
    /// cut never reaches flash, as on a board whose supply has gone. Also flips bits in stored files, like a
    /// corrupted flash page.
    /// </summary>
    public sealed class FaultInjectingStorage : IStorage
    {
        private readonly MemoryStorage _inner;
        private readonly Random _random;
        private long _cutAtWrite = -1;
        private TornWrite _tear;

        public FaultInjectingStorage(MemoryStorage inner, int seed)
        {
            _inner = inner;
            _random = new Random(seed);
        }

        /// <summary>The storage underneath (it outlives the meter across cuts).</summary>
        public MemoryStorage Inner => _inner;

        /// <summary>Writes attempted through this wrapper.</summary>
        public long WritesSeen { get; private set; }

        /// <summary>Cuts the power during write number <paramref name="writeNumber"/> (counted from now, 1-based), torn as given.</summary>
        public void ArmCut(long writeNumber, TornWrite tear)
        {
            _cutAtWrite = WritesSeen + writeNumber;
            _tear = tear;
        }

        /// <summary>Disarms a pending cut.</summary>
        public void Disarm() => _cutAtWrite = -1;

        /// <summary>True from a cut until <see cref="PowerUp"/>.</summary>
        public bool IsDead { get; private set; }

        /// <summary>Power is back: the storage accepts writes again (the meter must be restarted from it).</summary>
        public void PowerUp() => IsDead = false;

        /// <summary>Cuts the power now, between writes.</summary>
        public void CutNow() => IsDead = true;

        public int Read(string name, byte[] buffer) => _inner.Read(name, buffer);

        public void Write(string name, byte[] buffer, int count)
        {
            if (IsDead)
            {
                throw new PowerCutException("no power");
            }

            WritesSeen++;
            if (WritesSeen != _cutAtWrite)
            {
                _inner.Write(name, buffer, count);
                return;
            }

            _cutAtWrite = -1;
            switch (_tear)
            {
                case TornWrite.Truncated:
                    _inner.Write(name, buffer, count == 0 ? 0 : _random.Next(0, count));
                    break;
                case TornWrite.GarbledTail:
                    var garbled = new byte[count];
                    Array.Copy(buffer, garbled, count);
                    int from = count == 0 ? 0 : _random.Next(0, count);
                    for (int i = from; i < count; i++)
                    {
                        garbled[i] = (byte)_random.Next(256);
                    }

                    _inner.Write(name, garbled, count);
                    break;
                case TornWrite.Empty:
                    _inner.Write(name, buffer, 0);
                    break;
            }

            IsDead = true;
            throw new PowerCutException($"power cut while writing {name}");
        }

        public void Delete(string name)
        {
            if (IsDead)
            {
                throw new PowerCutException("no power");
            }

            _inner.Delete(name);
        }

        public int List(string[] names) => _inner.List(names);

        /// <summary>Flips one random bit in a stored file (a corrupted flash page). Returns false if there is no such file.</summary>
        public bool FlipBit(string name, int? byteIndex = null)
        {
            var content = _inner.Peek(name, out int length);
            if (content == null || length == 0)
            {
                return false;
            }

            int index = byteIndex ?? _random.Next(length);
            content[index] ^= (byte)(1 << _random.Next(8));
            return true;
        }
    }
}
