using System;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Hardware.Atecc608
{
    /// <summary>
    /// Driver of the Microchip ATECC608A/B secure element over I2C: ECDSA P-256 signatures with a private key that
    /// never leaves the chip, verification of other parties' signatures, random numbers, the serial number, the
    /// configuration zone and the lock state.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every operation is one wake session: wake (pulse, tWHI, check of the wake response 04 11 33 43), one or more
    /// commands, then sleep, so the chip's watchdog (about 1.3 s from wake) never runs out mid-session and the chip
    /// draws its sleep current between operations. A command is written as word address 0x03, count, opcode, param1,
    /// param2 (little-endian), data and CRC-16; the driver waits the command's execution time, polls while the chip
    /// NACKs (busy), reads the count byte and then the rest, and checks the response's CRC.
    /// </para>
    /// <para>
    /// A damaged response, a chip report of a damaged command (0xFF) or of the watchdog about to expire (0xEE) is
    /// retried once from a fresh wake; anything else is returned as a status. Buffers are allocated once, so signing
    /// allocates nothing after construction. Not thread-safe: one caller at a time.
    /// </para>
    /// <para>
    /// Signatures are raw r || s (64 bytes, big-endian each), public keys raw X || Y (64 bytes), digests 32 bytes
    /// (SHA-256 of the message, computed by the caller). Argument errors (null or short buffers, bad slot) throw;
    /// bus and chip faults never do.
    /// </para>
    /// </remarks>
    public sealed class Atecc608
    {
        /// <summary>Default 7-bit address of a generic (TrustCustom) ATECC608: 0x60 (0xC0 as CryptoAuthLib writes it).</summary>
        public const int DefaultAddress = 0x60;

        /// <summary>
        /// 7-bit address of the pre-provisioned Trust&amp;GO parts (0x6A as CryptoAuthLib writes it): the chip in current
        /// ESP32-WROOM-32SE modules (see README).
        /// </summary>
        public const int TrustAndGoAddress = 0x35;

        /// <summary>7-bit address of the pre-provisioned TrustFLEX parts (0x6C as CryptoAuthLib writes it).</summary>
        public const int TrustFlexAddress = 0x36;

        /// <summary>Length of a message digest (SHA-256).</summary>
        public const int DigestLength = 32;

        /// <summary>Length of a raw P-256 signature, r || s.</summary>
        public const int SignatureLength = 64;

        /// <summary>Length of a raw P-256 public key, X || Y.</summary>
        public const int PublicKeyLength = 64;

        /// <summary>Length of the serial number: configuration bytes 0–3 then 8–12.</summary>
        public const int SerialNumberLength = 9;

        /// <summary>Length of a Random output.</summary>
        public const int RandomLength = 32;

        /// <summary>Length of the Info revision.</summary>
        public const int RevisionLength = 4;

        /// <summary>Length of the configuration zone.</summary>
        public const int ConfigZoneLength = 128;

        /// <summary>Number of key slots.</summary>
        public const int SlotCount = 16;

        /// <summary>tWHI, 1.5 ms after the wake pulse, rounded up to whole milliseconds.</summary>
        private const int WakeDelayMilliseconds = 2;

        /// <summary>Index of the first data byte in the write: word address, count, opcode, param1, param2 (2).</summary>
        private const int PacketDataIndex = 6;

        /// <summary>Interval between polls of a busy chip.</summary>
        private const int PollIntervalMilliseconds = 2;

        private readonly IBusDevice _device;
        private readonly IAtecc608Wake _wake;
        private readonly IDriverClock _clock;
        private readonly byte[] _command = new byte[1 + Atecc608Command.MaxCommandLength];
        private readonly byte[] _response = new byte[Atecc608Command.MaxResponseLength];
        private readonly byte[] _control = new byte[1];

        /// <summary>
        /// A driver for the chip at <paramref name="device"/> (opened at its address: <see cref="DefaultAddress"/>,
        /// <see cref="TrustAndGoAddress"/>, ...), woken by <paramref name="wake"/>, waiting with <paramref name="clock"/>.
        /// </summary>
        public Atecc608(IBusDevice device, IAtecc608Wake wake, IDriverClock clock)
        {
            if (device == null)
            {
                throw new ArgumentNullException("device");
            }

            if (wake == null)
            {
                throw new ArgumentNullException("wake");
            }

            if (clock == null)
            {
                throw new ArgumentNullException("clock");
            }

            _device = device;
            _wake = wake;
            _clock = clock;
        }

        /// <summary>Outcome of the last operation.</summary>
        public Atecc608Status LastStatus { get; private set; }

        /// <summary>The last failed bus outcome (Ok if none failed in the last operation).</summary>
        public BusStatus LastBusStatus { get; private set; }

        /// <summary>The status byte of the last 4-byte status response (0x00 if the last response carried data).</summary>
        public byte LastChipStatus { get; private set; }

        /// <summary>Operations repeated from a fresh wake after a damaged packet or a watchdog warning, since construction.</summary>
        public int Retries { get; private set; }

        /// <summary>
        /// Reads the 4-byte revision (Info mode 0) into <paramref name="revision"/> at <paramref name="offset"/>:
        /// byte 2 is 0x60 for an ATECC608, byte 3 is 0x02 or lower for the 608A and above for the 608B (CryptoAuthLib).
        /// </summary>
        public Atecc608Status ReadRevision(byte[] revision, int offset)
        {
            CheckBuffer(revision, offset, RevisionLength, "revision");
            Atecc608Status status = Atecc608Status.Ok;
            for (int attempt = 0; attempt < 2; attempt++)
            {
                status = Wake();
                if (status == Atecc608Status.Ok)
                {
                    status = Execute(Atecc608Command.OpInfo, Atecc608Command.InfoRevision, 0, null, 0, 0, RevisionLength);
                    if (status == Atecc608Status.Ok)
                    {
                        Array.Copy(_response, 1, revision, offset, RevisionLength);
                    }
                }

                Sleep();
                if (!ShouldRetry(status, attempt))
                {
                    break;
                }
            }

            return Finish(status);
        }

        /// <summary>
        /// Reads the 9-byte serial number (configuration bytes 0–3 and 8–12) into <paramref name="serialNumber"/> at
        /// <paramref name="offset"/>. Its first two bytes are always 01 23 (Microchip's Trust&amp;GO data sheet); the rest is
        /// unique per chip, which makes it the chip's identity in the collector's key registry.
        /// </summary>
        public Atecc608Status ReadSerialNumber(byte[] serialNumber, int offset)
        {
            CheckBuffer(serialNumber, offset, SerialNumberLength, "serialNumber");
            Atecc608Status status = Atecc608Status.Ok;
            for (int attempt = 0; attempt < 2; attempt++)
            {
                status = Wake();
                if (status == Atecc608Status.Ok)
                {
                    status = ReadConfigBlock(0);
                    if (status == Atecc608Status.Ok)
                    {
                        Array.Copy(_response, 1, serialNumber, offset, 4);
                        Array.Copy(_response, 1 + 8, serialNumber, offset + 4, 5);
                    }
                }

                Sleep();
                if (!ShouldRetry(status, attempt))
                {
                    break;
                }
            }

            return Finish(status);
        }

        /// <summary>
        /// Reads the 4-byte configuration word at <paramref name="wordAddress"/> (0 to 31: byte offset 4 ×
        /// <paramref name="wordAddress"/>) into <paramref name="word"/> at <paramref name="offset"/>.
        /// </summary>
        public Atecc608Status ReadConfigWord(int wordAddress, byte[] word, int offset)
        {
            if (wordAddress < 0 || wordAddress > 31)
            {
                throw new ArgumentOutOfRangeException("wordAddress", "0 to 31");
            }

            CheckBuffer(word, offset, 4, "word");
            Atecc608Status status = Atecc608Status.Ok;
            for (int attempt = 0; attempt < 2; attempt++)
            {
                status = Wake();
                if (status == Atecc608Status.Ok)
                {
                    status = ReadConfigWordRaw(wordAddress);
                    if (status == Atecc608Status.Ok)
                    {
                        Array.Copy(_response, 1, word, offset, 4);
                    }
                }

                Sleep();
                if (!ShouldRetry(status, attempt))
                {
                    break;
                }
            }

            return Finish(status);
        }

        /// <summary>Reads the whole 128-byte configuration zone (four 32-byte reads in one wake) into <paramref name="config"/>.</summary>
        public Atecc608Status ReadConfigZone(byte[] config, int offset)
        {
            CheckBuffer(config, offset, ConfigZoneLength, "config");
            Atecc608Status status = Atecc608Status.Ok;
            for (int attempt = 0; attempt < 2; attempt++)
            {
                status = Wake();
                for (int block = 0; block < 4 && status == Atecc608Status.Ok; block++)
                {
                    status = ReadConfigBlock(block);
                    if (status == Atecc608Status.Ok)
                    {
                        Array.Copy(_response, 1, config, offset + (32 * block), 32);
                    }
                }

                Sleep();
                if (!ShouldRetry(status, attempt))
                {
                    break;
                }
            }

            return Finish(status);
        }

        /// <summary>
        /// Reads the lock bytes (configuration word 0x15: LockValue at byte 86 for the data and OTP zones, LockConfig at
        /// byte 87; 0x55 means unlocked). A meter in service needs both locked.
        /// </summary>
        public Atecc608Status ReadLockState(out bool configLocked, out bool dataLocked)
        {
            configLocked = false;
            dataLocked = false;
            Atecc608Status status = Atecc608Status.Ok;
            for (int attempt = 0; attempt < 2; attempt++)
            {
                status = Wake();
                if (status == Atecc608Status.Ok)
                {
                    status = ReadConfigWordRaw(Atecc608Command.LockWordAddress);
                    if (status == Atecc608Status.Ok)
                    {
                        dataLocked = _response[1 + 2] != Atecc608Command.Unlocked;
                        configLocked = _response[1 + 3] != Atecc608Command.Unlocked;
                    }
                }

                Sleep();
                if (!ShouldRetry(status, attempt))
                {
                    break;
                }
            }

            return Finish(status);
        }

        /// <summary>Reads 32 random bytes from the chip's RNG (Random, seed update mode) into <paramref name="random"/>.</summary>
        public Atecc608Status Random(byte[] random, int offset)
        {
            CheckBuffer(random, offset, RandomLength, "random");
            Atecc608Status status = Atecc608Status.Ok;
            for (int attempt = 0; attempt < 2; attempt++)
            {
                status = Wake();
                if (status == Atecc608Status.Ok)
                {
                    status = Execute(Atecc608Command.OpRandom, Atecc608Command.RandomSeedUpdate, 0, null, 0, 0, RandomLength);
                    if (status == Atecc608Status.Ok)
                    {
                        Array.Copy(_response, 1, random, offset, RandomLength);
                    }
                }

                Sleep();
                if (!ShouldRetry(status, attempt))
                {
                    break;
                }
            }

            return Finish(status);
        }

        /// <summary>
        /// Creates a new P-256 private key inside the chip in <paramref name="slot"/> (GenKey mode 0x04) and writes its
        /// public key X || Y into <paramref name="publicKey"/>. Provisioning only: it replaces the slot's key, and a
        /// chip whose slot forbids it (locked, or a permanent key as slot 0 of Trust&amp;GO parts) answers
        /// <see cref="Atecc608Status.ExecutionError"/>. Not retried: a lost response may already have replaced the key.
        /// </summary>
        public Atecc608Status GenerateKey(int slot, byte[] publicKey, int offset)
        {
            CheckSlot(slot);
            CheckBuffer(publicKey, offset, PublicKeyLength, "publicKey");
            Atecc608Status status = Wake();
            if (status == Atecc608Status.Ok)
            {
                status = Execute(Atecc608Command.OpGenKey, Atecc608Command.GenKeyPrivate, slot, null, 0, 0, PublicKeyLength);
                if (status == Atecc608Status.Ok)
                {
                    Array.Copy(_response, 1, publicKey, offset, PublicKeyLength);
                }
            }

            Sleep();
            return Finish(status);
        }

        /// <summary>
        /// Computes the public key X || Y of the private key in <paramref name="slot"/> (GenKey mode 0x00, allowed when
        /// the slot's KeyConfig.PubInfo is set) into <paramref name="publicKey"/>: what the collector registers.
        /// </summary>
        public Atecc608Status ReadPublicKey(int slot, byte[] publicKey, int offset)
        {
            CheckSlot(slot);
            CheckBuffer(publicKey, offset, PublicKeyLength, "publicKey");
            Atecc608Status status = Atecc608Status.Ok;
            for (int attempt = 0; attempt < 2; attempt++)
            {
                status = Wake();
                if (status == Atecc608Status.Ok)
                {
                    status = Execute(Atecc608Command.OpGenKey, Atecc608Command.GenKeyPublic, slot, null, 0, 0, PublicKeyLength);
                    if (status == Atecc608Status.Ok)
                    {
                        Array.Copy(_response, 1, publicKey, offset, PublicKeyLength);
                    }
                }

                Sleep();
                if (!ShouldRetry(status, attempt))
                {
                    break;
                }
            }

            return Finish(status);
        }

        /// <summary>
        /// Signs the 32-byte <paramref name="digest"/> with the private key in <paramref name="slot"/> and writes r || s
        /// into <paramref name="signature"/>. In one wake: Random (updates the RNG seed, as CryptoAuthLib's calib_sign
        /// does first), Nonce pass-through of the digest into the message digest buffer, Sign external from that buffer
        /// (the ATECC608 sequence of calib_sign). Allocates nothing.
        /// </summary>
        public Atecc608Status Sign(int slot, byte[] digest, int digestOffset, byte[] signature, int signatureOffset)
        {
            CheckSlot(slot);
            CheckBuffer(digest, digestOffset, DigestLength, "digest");
            CheckBuffer(signature, signatureOffset, SignatureLength, "signature");
            Atecc608Status status = Atecc608Status.Ok;
            for (int attempt = 0; attempt < 2; attempt++)
            {
                status = Wake();
                if (status == Atecc608Status.Ok)
                {
                    status = Execute(Atecc608Command.OpRandom, Atecc608Command.RandomSeedUpdate, 0, null, 0, 0, RandomLength);
                }

                if (status == Atecc608Status.Ok)
                {
                    status = LoadMessageDigest(digest, digestOffset);
                }

                if (status == Atecc608Status.Ok)
                {
                    status = Execute(Atecc608Command.OpSign, Atecc608Command.SignExternalFromMessageDigestBuffer, slot, null, 0, 0, SignatureLength);
                    if (status == Atecc608Status.Ok)
                    {
                        Array.Copy(_response, 1, signature, signatureOffset, SignatureLength);
                    }
                }

                Sleep();
                if (!ShouldRetry(status, attempt))
                {
                    break;
                }
            }

            return Finish(status);
        }

        /// <summary>
        /// Asks the chip whether <paramref name="signature"/> (r || s) is a valid signature of the 32-byte
        /// <paramref name="digest"/> by <paramref name="publicKey"/> (X || Y): Nonce pass-through of the digest into the
        /// message digest buffer, then Verify external with key type P-256. Returns <see cref="Atecc608Status.Ok"/> only
        /// for a valid signature, <see cref="Atecc608Status.SignatureInvalid"/> for a checked and rejected one, and
        /// another status when the check could not be done; treat anything but Ok as rejection.
        /// </summary>
        public Atecc608Status Verify(byte[] digest, int digestOffset, byte[] signature, int signatureOffset, byte[] publicKey, int publicKeyOffset)
        {
            CheckBuffer(digest, digestOffset, DigestLength, "digest");
            CheckBuffer(signature, signatureOffset, SignatureLength, "signature");
            CheckBuffer(publicKey, publicKeyOffset, PublicKeyLength, "publicKey");
            Atecc608Status status = Atecc608Status.Ok;
            for (int attempt = 0; attempt < 2; attempt++)
            {
                status = Wake();
                if (status == Atecc608Status.Ok)
                {
                    status = LoadMessageDigest(digest, digestOffset);
                }

                if (status == Atecc608Status.Ok)
                {
                    // Data: signature then public key, written straight into the packet (no intermediate copy).
                    int data = PacketDataIndex;
                    Array.Copy(signature, signatureOffset, _command, data, SignatureLength);
                    Array.Copy(publicKey, publicKeyOffset, _command, data + SignatureLength, PublicKeyLength);
                    status = ExecutePrepared(Atecc608Command.OpVerify, Atecc608Command.VerifyExternalFromMessageDigestBuffer, Atecc608Command.VerifyKeyP256, SignatureLength + PublicKeyLength, 0);
                }

                Sleep();
                if (!ShouldRetry(status, attempt))
                {
                    break;
                }
            }

            return Finish(status);
        }

        private Atecc608Status LoadMessageDigest(byte[] digest, int offset)
        {
            return Execute(Atecc608Command.OpNonce, Atecc608Command.NoncePassThroughToMessageDigestBuffer, 0, digest, offset, DigestLength, 0);
        }

        private Atecc608Status ReadConfigBlock(int block)
        {
            return Execute(Atecc608Command.OpRead, Atecc608Command.ZoneConfig | Atecc608Command.ZoneSize32, block << 3, null, 0, 0, 32);
        }

        private Atecc608Status ReadConfigWordRaw(int wordAddress)
        {
            return Execute(Atecc608Command.OpRead, Atecc608Command.ZoneConfig, wordAddress, null, 0, 0, 4);
        }

        /// <summary>
        /// Wakes the chip and checks its wake response. If the answer is not the wake response (the chip was already
        /// awake, so it ignored the pulse and still holds an old output, or it did not hear the pulse), it is put to
        /// sleep and woken once more.
        /// </summary>
        private Atecc608Status Wake()
        {
            LastBusStatus = BusStatus.Ok;
            LastChipStatus = 0;
            for (int attempt = 0; attempt < 2; attempt++)
            {
                BusStatus pulse = _wake.SendWakePulse();
                if (pulse != BusStatus.Ok)
                {
                    LastBusStatus = pulse;
                }

                _clock.Sleep(WakeDelayMilliseconds);
                BusStatus read = _device.Read(_response, 0, Atecc608Command.StatusResponseLength);
                if (read == BusStatus.Ok && _response[0] == 0x04)
                {
                    bool crcGood = Atecc608Crc.Check(_response, 0, 4);
                    if (_response[1] == 0x11 && crcGood)
                    {
                        return Atecc608Status.Ok;
                    }

                    // Self-test failure: 04 07 with its CRC (40 C2), or 04 07 C4 40, the bytes CryptoAuthLib's
                    // hal_check_wake compares against (not a valid CRC; which one the chip sends is unverified).
                    if (_response[1] == 0x07 && (crcGood || (_response[2] == 0xC4 && _response[3] == 0x40)))
                    {
                        LastChipStatus = 0x07;
                        return Atecc608Status.SelfTestFailed;
                    }
                }

                if (read != BusStatus.Ok)
                {
                    LastBusStatus = read;
                }

                Sleep();
            }

            return Atecc608Status.WakeFailed;
        }

        /// <summary>Sends the sleep word address; a chip that is already asleep does not acknowledge, which is fine.</summary>
        private void Sleep()
        {
            _control[0] = Atecc608Command.WordSleep;
            _device.Write(_control, 0, 1);
        }

        private Atecc608Status Execute(byte opcode, int param1, int param2, byte[] data, int dataOffset, int dataLength, int expectedDataLength)
        {
            if (dataLength > 0)
            {
                Array.Copy(data, dataOffset, _command, PacketDataIndex, dataLength);
            }

            return ExecutePrepared(opcode, param1, param2, dataLength, expectedDataLength);
        }

        /// <summary>
        /// Sends the command whose data is already at _command[6..] and reads its response into _response.
        /// <paramref name="expectedDataLength"/> 0 means a status response (4 bytes) with status 0x00 is expected.
        /// </summary>
        private Atecc608Status ExecutePrepared(byte opcode, int param1, int param2, int dataLength, int expectedDataLength)
        {
            int count = Atecc608Command.PacketOverhead + dataLength;
            _command[0] = Atecc608Command.WordCommand;
            _command[1] = (byte)count;
            _command[2] = opcode;
            _command[3] = (byte)param1;
            _command[4] = (byte)(param2 & 0xFF);
            _command[5] = (byte)((param2 >> 8) & 0xFF);
            Atecc608Crc.Append(_command, 1, count - 2);

            BusStatus bus = _device.Write(_command, 0, count + 1);
            if (bus != BusStatus.Ok)
            {
                LastBusStatus = bus;
                return Atecc608Status.BusError;
            }

            // The chip does not acknowledge its address while it executes: wait its execution time, then poll.
            int waited = Atecc608Command.FirstPollMilliseconds(opcode);
            int limit = Atecc608Command.LastPollMilliseconds(opcode);
            _clock.Sleep(waited);
            while (true)
            {
                bus = _device.Read(_response, 0, 1);
                if (bus == BusStatus.Ok)
                {
                    break;
                }

                if (bus != BusStatus.NotAcknowledged)
                {
                    LastBusStatus = bus;
                    return Atecc608Status.BusError;
                }

                if (waited >= limit)
                {
                    LastBusStatus = bus;
                    return Atecc608Status.Timeout;
                }

                _clock.Sleep(PollIntervalMilliseconds);
                waited += PollIntervalMilliseconds;
            }

            int length = _response[0];
            if (length < Atecc608Command.StatusResponseLength || length > _response.Length)
            {
                return Atecc608Status.ResponseCorrupted;
            }

            bus = _device.Read(_response, 1, length - 1);
            if (bus != BusStatus.Ok)
            {
                LastBusStatus = bus;
                return Atecc608Status.BusError;
            }

            if (!Atecc608Crc.Check(_response, 0, length))
            {
                return Atecc608Status.ResponseCorrupted;
            }

            if (length == Atecc608Command.StatusResponseLength)
            {
                byte chipStatus = _response[1];
                LastChipStatus = chipStatus;
                if (chipStatus == 0x00)
                {
                    return expectedDataLength == 0 ? Atecc608Status.Ok : Atecc608Status.UnexpectedResponse;
                }

                return FromChipStatus(chipStatus);
            }

            LastChipStatus = 0;
            return length == expectedDataLength + 3 ? Atecc608Status.Ok : Atecc608Status.UnexpectedResponse;
        }

        /// <summary>Chip status codes (CryptoAuthLib isATCAError; Linux atmel-i2c error_list).</summary>
        private static Atecc608Status FromChipStatus(byte chipStatus)
        {
            switch (chipStatus)
            {
                case 0x01: return Atecc608Status.SignatureInvalid;
                case 0x03: return Atecc608Status.ParseError;
                case 0x05: return Atecc608Status.EccFault;
                case 0x07: return Atecc608Status.SelfTestFailed;
                case 0x08: return Atecc608Status.HealthTestFailed;
                case 0x0F: return Atecc608Status.ExecutionError;
                case 0xEE: return Atecc608Status.WatchdogExpired;
                case 0xFF: return Atecc608Status.CommandCorrupted;
                default: return Atecc608Status.UnexpectedResponse;
            }
        }

        /// <summary>True (and counted) when a first attempt failed in a way a fresh wake can cure.</summary>
        private bool ShouldRetry(Atecc608Status status, int attempt)
        {
            if (attempt > 0)
            {
                return false;
            }

            if (status == Atecc608Status.ResponseCorrupted || status == Atecc608Status.CommandCorrupted || status == Atecc608Status.WatchdogExpired)
            {
                Retries++;
                return true;
            }

            return false;
        }

        private Atecc608Status Finish(Atecc608Status status)
        {
            LastStatus = status;
            return status;
        }

        private static void CheckSlot(int slot)
        {
            if (slot < 0 || slot >= SlotCount)
            {
                throw new ArgumentOutOfRangeException("slot", "0 to 15");
            }
        }

        private static void CheckBuffer(byte[] buffer, int offset, int length, string name)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException(name);
            }

            if (offset < 0 || offset > buffer.Length - length)
            {
                throw new ArgumentOutOfRangeException(name, "too short for the offset");
            }
        }
    }
}
