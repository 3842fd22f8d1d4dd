using System;
using System.Security.Cryptography;
using AssetMeter.Hardware.Atecc608;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Hardware.Emulation
{
    /// <summary>
    /// An ATECC608A/B on an I2C bus, at the level of its packets: word addresses, count, opcode, params, data and
    /// CRC-16, the wake condition and wake response, sleep and idle, busy NACKs during execution, the watchdog, a
    /// 128-byte configuration zone with serial number, slot and key configuration and lock bytes, and P-256 key slots
    /// whose private keys live in .NET <see cref="ECDsa"/> objects that nothing exposes. Host-only.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Commands: Info (revision), Random, Read (configuration zone, 4 or 32 bytes), Nonce pass-through (32 bytes, into
    /// TempKey, the message digest buffer or the alternate key buffer), Sign external (from TempKey or the message
    /// digest buffer), GenKey (private key into a slot, or the public key of a slot), Verify external (P-256). Any
    /// other opcode or mode answers a parse error (0x03): it is not emulated. Time is simulated: it advances with
    /// <see cref="Delay"/>, with <see cref="AdvanceMicroseconds"/> and with every bus transfer (nine bit times per
    /// byte at <see cref="BusClockHz"/>); each command keeps the chip busy for its CryptoAuthLib execution time at
    /// the default clock divider.
    /// </para>
    /// <para>
    /// Modelling choices that are not datasheet-verified are listed in hardware/Atecc608/README.md ("What the
    /// emulator assumes").
    /// </para>
    /// </remarks>
    public sealed class Atecc608Emulator : IBusDevice, IDisposable
    {
        /// <summary>tWLO: the shortest SDA low pulse that wakes the chip.</summary>
        public const int WakeLowMicroseconds = 60;

        /// <summary>tWHI: time from the end of the wake pulse until the chip answers.</summary>
        public const int WakeHighMicroseconds = 1500;

        /// <summary>
        /// The serial number of the configuration used by default (CryptoAuthLib python/tests/test_device.py,
        /// ATECC608_SER_NUM_VECTOR).
        /// </summary>
        public static readonly byte[] DefaultSerialNumber = { 0x01, 0x23, 0x72, 0xE8, 0xB9, 0x63, 0xB2, 0xD3, 0xEE };

        /// <summary>
        /// The configuration zone used by default: CryptoAuthLib's ATECC608 test vector (python/tests/test_device.py,
        /// ATECC608_DEVICE_CONFIG_VECTOR) with RevNum 00 00 60 02 and slot 0 configured as an ECC P-256 private key
        /// that can sign external messages and be regenerated with GenKey (SlotConfig 0x208F, KeyConfig 0x0033).
        /// The lock bytes (86, 87) are set by the constructor.
        /// </summary>
        private static readonly byte[] DefaultConfig =
        {
            0x01, 0x23, 0x72, 0xE8, 0x00, 0x00, 0x60, 0x02, 0xB9, 0x63, 0xB2, 0xD3, 0xEE, 0x01, 0x2D, 0x00,
            0xB0, 0x00, 0x55, 0x01, 0x8F, 0x20, 0xC4, 0x44, 0x87, 0x20, 0x87, 0x20, 0x8F, 0x0F, 0xC4, 0x36,
            0x9F, 0x0F, 0x82, 0x20, 0x0F, 0x0F, 0xC4, 0x44, 0x0F, 0x0F, 0x0F, 0x0F, 0x0F, 0x0F, 0x0F, 0x0F,
            0x0F, 0x0F, 0x0F, 0x0F, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x06, 0x40, 0x00, 0x00, 0x00, 0x00,
            0x33, 0x00, 0x1C, 0x00, 0x13, 0x00, 0x13, 0x00, 0x7C, 0x00, 0x1C, 0x00, 0x3C, 0x00, 0x33, 0x00,
            0x3C, 0x00, 0x3C, 0x00, 0x3C, 0x00, 0x30, 0x00, 0x3C, 0x00, 0x3C, 0x00, 0x3C, 0x00, 0x30, 0x00,
        };

        private const int LockValueByte = 86;
        private const int LockConfigByte = 87;
        private const int SlotLockedByte = 88;
        private const int ChipModeByte = 19;
        private const int SlotConfigByte = 20;
        private const int KeyConfigByte = 96;

        private readonly byte[] _config = new byte[128];
        private readonly ECDsa?[] _keys = new ECDsa?[16];
        private readonly byte[] _tempKey = new byte[32];
        private readonly byte[] _messageDigest = new byte[32];
        private readonly byte[] _alternateKey = new byte[32];
        private readonly byte[] _output = new byte[80];
        private readonly byte[] _input = new byte[160];

        private PowerState _state = PowerState.Asleep;
        private long _now;
        private long _wokeAt;
        private long _readyAt;
        private long _busyUntil;
        private int _outputLength;
        private int _readPointer;
        private bool _tempKeyValid;
        private bool _messageDigestValid;

        private int _corruptRemaining;
        private int _corruptOpcode = -1;
        private int _refuseRemaining;
        private int _refuseOpcode = -1;
        private byte _refuseStatus;

        /// <summary>
        /// A chip with <paramref name="configZone"/> (128 bytes; null for the default test configuration), unlocked
        /// unless <paramref name="configLocked"/> / <paramref name="dataLocked"/>, with no keys, asleep, at time zero.
        /// <paramref name="revisionB"/> makes Info and RevNum say ATECC608B (00 00 60 03).
        /// </summary>
        public Atecc608Emulator(byte[]? configZone = null, bool configLocked = false, bool dataLocked = false, bool revisionB = false)
        {
            byte[] source = configZone ?? DefaultConfig;
            if (source.Length != 128)
            {
                throw new ArgumentException("The configuration zone is 128 bytes.", nameof(configZone));
            }

            Array.Copy(source, _config, 128);
            if (revisionB)
            {
                _config[7] = 0x03;
            }

            _config[LockConfigByte] = configLocked ? (byte)0x00 : Atecc608UnlockedByte;
            _config[LockValueByte] = dataLocked ? (byte)0x00 : Atecc608UnlockedByte;
            Delay = new SimulatedWait(this);
            GeneralCall = new GeneralCallDevice(this);
        }

        private const byte Atecc608UnlockedByte = 0x55;

        private enum PowerState
        {
            Asleep,
            Idle,
            Awake,
        }

        /// <summary>
        /// A chip provisioned as the meter expects: configuration zone locked, a P-256 private key generated inside it
        /// in slot 0 (as GenKey does before the data zone is locked), data zone locked.
        /// </summary>
        public static Atecc608Emulator CreateProvisioned(bool revisionB = false)
        {
            var chip = new Atecc608Emulator(null, configLocked: true, dataLocked: false, revisionB: revisionB);
            chip.GenerateKeyInSlot(0);
            chip.LockDataZone();
            return chip;
        }

        /// <summary>The shell's clock as the driver takes it: waiting advances the chip's simulated time.</summary>
        public IDriverClock Delay { get; }

        /// <summary>The I2C general-call address (0x00) on the chip's bus: a write there at 100 kHz wakes the chip.</summary>
        public IBusDevice GeneralCall { get; }

        /// <summary>SCL frequency: sets the time each transfer takes and how long a general-call address byte holds SDA low.</summary>
        public int BusClockHz { get; set; } = 100_000;

        /// <summary>Simulated time since construction.</summary>
        public long NowMicroseconds => _now;

        /// <summary>True while the chip is awake (not asleep, not idle).</summary>
        public bool IsAwake
        {
            get
            {
                CheckWatchdog();
                return _state == PowerState.Awake;
            }
        }

        /// <summary>Watchdog period: 1.3 s, or 13 s when ChipMode bit 2 is set.</summary>
        public long WatchdogMicroseconds => (_config[ChipModeByte] & 0x04) != 0 ? 13_000_000 : 1_300_000;

        /// <summary>Wakes (wake responses sent) since construction.</summary>
        public int Wakes { get; private set; }

        /// <summary>Times the watchdog put the chip to sleep.</summary>
        public int WatchdogExpiries { get; private set; }

        /// <summary>Commands received with a bad CRC or count (answered 0xFF).</summary>
        public int DamagedCommands { get; private set; }

        /// <summary>Commands executed (not refused, not damaged).</summary>
        public int CommandsExecuted { get; private set; }

        /// <summary>Signatures made.</summary>
        public int Signatures { get; private set; }

        /// <summary>A copy of the configuration zone.</summary>
        public byte[] ConfigZone()
        {
            return (byte[])_config.Clone();
        }

        /// <summary>The public key X || Y of the key in <paramref name="slot"/>, or null (for test assertions; the private key is never exposed).</summary>
        public byte[]? PublicKeyOf(int slot)
        {
            ECDsa? key = _keys[slot];
            return key == null ? null : PublicKey(key);
        }

        /// <summary>Sets a slot's SlotConfig and KeyConfig (little-endian 16-bit words), as a provisioning tool writes them before the config lock.</summary>
        public void ConfigureSlot(int slot, int slotConfig, int keyConfig)
        {
            if (ConfigLocked)
            {
                throw new InvalidOperationException("The configuration zone is locked.");
            }

            _config[SlotConfigByte + (2 * slot)] = (byte)slotConfig;
            _config[SlotConfigByte + (2 * slot) + 1] = (byte)(slotConfig >> 8);
            _config[KeyConfigByte + (2 * slot)] = (byte)keyConfig;
            _config[KeyConfigByte + (2 * slot) + 1] = (byte)(keyConfig >> 8);
        }

        /// <summary>Sets ChipMode (configuration byte 19), before the config lock.</summary>
        public void SetChipMode(byte chipMode)
        {
            if (ConfigLocked)
            {
                throw new InvalidOperationException("The configuration zone is locked.");
            }

            _config[ChipModeByte] = chipMode;
        }

        /// <summary>Locks the configuration zone (what the Lock command does; the command itself is not emulated).</summary>
        public void LockConfigZone() => _config[LockConfigByte] = 0x00;

        /// <summary>Locks the data and OTP zones (what the Lock command does).</summary>
        public void LockDataZone() => _config[LockValueByte] = 0x00;

        /// <summary>Locks one slot (clears its SlotLocked bit, as Lock with the slot mode does).</summary>
        public void LockSlot(int slot)
        {
            int word = _config[SlotLockedByte] | (_config[SlotLockedByte + 1] << 8);
            word &= ~(1 << slot);
            _config[SlotLockedByte] = (byte)word;
            _config[SlotLockedByte + 1] = (byte)(word >> 8);
        }

        /// <summary>Creates a key in a slot as GenKey would, without the bus (provisioning in the factory).</summary>
        public void GenerateKeyInSlot(int slot)
        {
            _keys[slot]?.Dispose();
            _keys[slot] = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        }

        /// <summary>
        /// The chip's non-volatile key slot as bytes (PKCS#8), so that a virtual meter's emulated chip keeps its key
        /// across restarts of the host process, as the real chip's EEPROM does. Never available on a real chip.
        /// </summary>
        public byte[] SaveSlot(int slot) => (_keys[slot] ?? throw new InvalidOperationException($"slot {slot} holds no key")).ExportPkcs8PrivateKey();

        /// <summary>Restores a slot saved by <see cref="SaveSlot"/>.</summary>
        public void RestoreSlot(int slot, byte[] pkcs8)
        {
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(pkcs8, out _);
            _keys[slot]?.Dispose();
            _keys[slot] = key;
        }

        /// <summary>Fault hook: the chip answers every wake with the self-test failure status 0x07 (with a valid CRC).</summary>
        public bool FailSelfTest { get; set; }

        /// <summary>Fault hook: flips one bit of the next <paramref name="count"/> responses (to <paramref name="opcode"/>, or any if -1), so their CRC fails.</summary>
        public void CorruptResponses(int count, int opcode = -1)
        {
            _corruptRemaining = count;
            _corruptOpcode = opcode;
        }

        /// <summary>Fault hook: answers the next <paramref name="count"/> commands (to <paramref name="opcode"/>, or any if -1) with <paramref name="status"/> without executing them.</summary>
        public void RefuseCommands(int count, byte status, int opcode = -1)
        {
            _refuseRemaining = count;
            _refuseStatus = status;
            _refuseOpcode = opcode;
        }

        /// <summary>Holds SDA low for <paramref name="microseconds"/> and releases it (a GPIO-driven wake).</summary>
        public void HoldSdaLow(int microseconds)
        {
            AdvanceMicroseconds(microseconds);
            if (microseconds < WakeLowMicroseconds)
            {
                return;
            }

            CheckWatchdog();
            if (_state == PowerState.Awake)
            {
                // "In the I2C mode, the device will ignore a wake sequence that is sent when the device is already awake."
                return;
            }

            _state = PowerState.Awake;
            _wokeAt = _now;
            _readyAt = _now + WakeHighMicroseconds;
            _busyUntil = 0;
            SetStatus(FailSelfTest ? (byte)0x07 : (byte)0x11);
            Wakes++;
        }

        /// <summary>Advances simulated time.</summary>
        public void AdvanceMicroseconds(long microseconds)
        {
            _now += microseconds;
            CheckWatchdog();
        }

        /// <inheritdoc />
        public BusStatus Write(byte[] buffer, int offset, int count)
        {
            Transfer(count);
            if (!Responsive())
            {
                return BusStatus.NotAcknowledged;
            }

            if (count == 0)
            {
                return BusStatus.Ok;
            }

            switch (buffer[offset])
            {
                case 0x00:
                    _readPointer = 0;
                    return BusStatus.Ok;
                case 0x01:
                    GoToSleep();
                    return BusStatus.Ok;
                case 0x02:
                    _state = PowerState.Idle;
                    return BusStatus.Ok;
                case 0x03:
                    Array.Copy(buffer, offset + 1, _input, 0, Math.Min(count - 1, _input.Length));
                    Command(count - 1);
                    return BusStatus.Ok;
                default:
                    // Assumption: a word address the chip does not define is not acknowledged.
                    return BusStatus.NotAcknowledged;
            }
        }

        /// <inheritdoc />
        public BusStatus Read(byte[] buffer, int offset, int count)
        {
            Transfer(count);
            if (!Responsive())
            {
                return BusStatus.NotAcknowledged;
            }

            for (int i = 0; i < count; i++)
            {
                buffer[offset + i] = _readPointer < _outputLength ? _output[_readPointer] : (byte)0xFF;
                _readPointer++;
            }

            return BusStatus.Ok;
        }

        /// <inheritdoc />
        public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount)
        {
            BusStatus status = Write(writeBuffer, writeOffset, writeCount);
            return status != BusStatus.Ok ? status : Read(readBuffer, readOffset, readCount);
        }

        /// <summary>Disposes the keys.</summary>
        public void Dispose()
        {
            for (int i = 0; i < _keys.Length; i++)
            {
                _keys[i]?.Dispose();
                _keys[i] = null;
            }
        }

        private bool ConfigLocked => _config[LockConfigByte] != Atecc608UnlockedByte;

        private bool DataLocked => _config[LockValueByte] != Atecc608UnlockedByte;

        private void AdvanceMilliseconds(int milliseconds) => AdvanceMicroseconds(milliseconds * 1000L);

        /// <summary>A transfer of <paramref name="bytes"/> bytes plus the address byte, nine clocks each.</summary>
        private void Transfer(int bytes) => AdvanceMicroseconds((bytes + 1) * 9L * 1_000_000 / BusClockHz);

        private bool Responsive()
        {
            CheckWatchdog();
            return _state == PowerState.Awake && _now >= _readyAt && _now >= _busyUntil;
        }

        private void CheckWatchdog()
        {
            if (_state == PowerState.Awake && _now - _wokeAt >= WatchdogMicroseconds)
            {
                // "After the watchdog timer expires, the device enters sleep mode regardless of whether some I/O
                // transmission or command execution is in progress" (Linux atmel-i2c driver, after the datasheet).
                GoToSleep();
                WatchdogExpiries++;
            }
        }

        private void GoToSleep()
        {
            _state = PowerState.Asleep;
            _tempKeyValid = false;
            _messageDigestValid = false;
            _outputLength = 0;
            _readPointer = 0;
        }

        private void Command(int length)
        {
            int count = _input[0];
            if (length < Atecc608CommandLength.Min || count != length || !Atecc608Crc.Check(_input, 0, count))
            {
                DamagedCommands++;
                SetStatus(0xFF);
                return;
            }

            byte opcode = _input[1];
            byte mode = _input[2];
            int param2 = _input[3] | (_input[4] << 8);
            int dataLength = count - 7;

            long executionMicroseconds = ExecutionMilliseconds(opcode) * 1000L;
            if (_wokeAt + WatchdogMicroseconds - _now < executionMicroseconds)
            {
                // "If a command is attempted when insufficient time remains prior to watchdog timer execution, the
                // device will return the watchdog timeout error code without attempting to execute the command."
                SetStatus(0xEE);
                return;
            }

            if (_refuseRemaining > 0 && (_refuseOpcode < 0 || _refuseOpcode == opcode))
            {
                _refuseRemaining--;
                SetStatus(_refuseStatus);
                _busyUntil = _now + executionMicroseconds;
                return;
            }

            CommandsExecuted++;
            switch (opcode)
            {
                case 0x30:
                    Info(mode, param2, dataLength);
                    break;
                case 0x1B:
                    Random(mode, param2, dataLength);
                    break;
                case 0x02:
                    ReadZone(mode, param2, dataLength);
                    break;
                case 0x16:
                    Nonce(mode, param2, dataLength);
                    break;
                case 0x41:
                    Sign(mode, param2, dataLength);
                    break;
                case 0x40:
                    GenKey(mode, param2, dataLength);
                    break;
                case 0x45:
                    Verify(mode, param2, dataLength);
                    break;
                default:
                    SetStatus(0x03);
                    break;
            }

            _busyUntil = _now + executionMicroseconds;
            if (_corruptRemaining > 0 && (_corruptOpcode < 0 || _corruptOpcode == opcode))
            {
                _corruptRemaining--;
                _output[_outputLength - 1] ^= 0x10;
            }
        }

        private void Info(byte mode, int param2, int dataLength)
        {
            if (mode != 0x00 || param2 != 0 || dataLength != 0)
            {
                SetStatus(0x03);
                return;
            }

            SetData(_config, 4, 4);
        }

        private void Random(byte mode, int param2, int dataLength)
        {
            if (mode > 0x01 || param2 != 0 || dataLength != 0)
            {
                SetStatus(0x03);
                return;
            }

            var random = new byte[32];
            RandomNumberGenerator.Fill(random);
            SetData(random, 0, 32);
        }

        private void ReadZone(byte zone, int address, int dataLength)
        {
            if ((zone & ~0x83) != 0 || dataLength != 0)
            {
                SetStatus(0x03);
                return;
            }

            if ((zone & 0x03) != 0)
            {
                // Data and OTP zone reads are not emulated.
                SetStatus(0x0F);
                return;
            }

            int block = (address >> 3) & 0x1F;
            int word = address & 0x07;
            if (block > 3)
            {
                SetStatus(0x03);
                return;
            }

            if ((zone & 0x80) != 0)
            {
                SetData(_config, block * 32, 32);
            }
            else
            {
                SetData(_config, (block * 32) + (word * 4), 4);
            }
        }

        private void Nonce(byte mode, int param2, int dataLength)
        {
            // Only pass-through (mode bits 0-1 = 3) of 32 bytes is emulated; random nonces and 64-byte loads are not.
            if ((mode & 0x03) != 0x03 || (mode & 0x20) != 0 || (mode & 0x1C) != 0 || param2 != 0 || dataLength != 32)
            {
                SetStatus(0x03);
                return;
            }

            switch (mode & 0xC0)
            {
                case 0x00:
                    Array.Copy(_input, 5, _tempKey, 0, 32);
                    _tempKeyValid = true;
                    break;
                case 0x40:
                    Array.Copy(_input, 5, _messageDigest, 0, 32);
                    _messageDigestValid = true;
                    break;
                case 0x80:
                    Array.Copy(_input, 5, _alternateKey, 0, 32);
                    break;
                default:
                    SetStatus(0x03);
                    return;
            }

            SetStatus(0x00);
        }

        private void Sign(byte mode, int slot, int dataLength)
        {
            // Mode: bit 7 external, bit 6 include serial (internal only), bit 5 source; bits 1-4 must be zero.
            if ((mode & 0x1E) != 0 || slot > 15 || dataLength != 0)
            {
                SetStatus(0x03);
                return;
            }

            if ((mode & 0x80) == 0)
            {
                // Internal signatures (of GenDig/GenKey digests) are not emulated.
                SetStatus(0x03);
                return;
            }

            bool fromMessageDigest = (mode & 0x20) != 0;
            ECDsa? key = _keys[slot];
            if (!ConfigLocked || !IsEccPrivateKeySlot(slot) || (SlotConfig(slot) & 0x0001) == 0 || key == null)
            {
                SetStatus(0x0F);
                return;
            }

            if (fromMessageDigest ? !_messageDigestValid : !_tempKeyValid)
            {
                SetStatus(0x0F);
                return;
            }

            byte[] digest = fromMessageDigest ? _messageDigest : _tempKey;
            byte[] signature = key.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            if (fromMessageDigest)
            {
                _messageDigestValid = false;
            }
            else
            {
                _tempKeyValid = false;
            }

            Signatures++;
            SetData(signature, 0, 64);
        }

        private void GenKey(byte mode, int slot, int dataLength)
        {
            if ((mode != 0x00 && mode != 0x04) || slot > 15 || dataLength != 0)
            {
                // Digest, MAC and TempKey modes are not emulated.
                SetStatus(0x03);
                return;
            }

            if (!ConfigLocked || !IsEccPrivateKeySlot(slot))
            {
                SetStatus(0x0F);
                return;
            }

            if (mode == 0x04)
            {
                bool slotLocked = ((_config[SlotLockedByte] | (_config[SlotLockedByte + 1] << 8)) & (1 << slot)) == 0;
                bool genKeyAllowed = (SlotConfig(slot) & 0x2000) != 0;
                if (slotLocked || (DataLocked && !genKeyAllowed))
                {
                    SetStatus(0x0F);
                    return;
                }

                GenerateKeyInSlot(slot);
            }
            else if ((KeyConfig(slot) & 0x0002) == 0 || _keys[slot] == null)
            {
                // PubInfo clear: the public key may not be computed; or no key was ever generated.
                SetStatus(0x0F);
                return;
            }

            SetData(PublicKey(_keys[slot]!), 0, 64);
        }

        private void Verify(byte mode, int keyType, int dataLength)
        {
            // External mode (2) with the message in TempKey or the message digest buffer; no MAC, P-256 keys only.
            if ((mode & 0x07) != 0x02 || (mode & 0xD8) != 0 || keyType != 0x0004 || dataLength != 128)
            {
                SetStatus(0x03);
                return;
            }

            bool fromMessageDigest = (mode & 0x20) != 0;
            if (fromMessageDigest ? !_messageDigestValid : !_tempKeyValid)
            {
                SetStatus(0x0F);
                return;
            }

            byte[] digest = fromMessageDigest ? _messageDigest : _tempKey;
            var signature = new byte[64];
            var x = new byte[32];
            var y = new byte[32];
            Array.Copy(_input, 5, signature, 0, 64);
            Array.Copy(_input, 5 + 64, x, 0, 32);
            Array.Copy(_input, 5 + 96, y, 0, 32);
            try
            {
                using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
                SetStatus(key.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation) ? (byte)0x00 : (byte)0x01);
            }
            catch (CryptographicException)
            {
                // Assumption: a public key that is not a point on the curve is an execution error.
                SetStatus(0x0F);
            }
        }

        private bool IsEccPrivateKeySlot(int slot)
        {
            int keyConfig = KeyConfig(slot);
            return (keyConfig & 0x0001) != 0 && ((keyConfig >> 2) & 0x07) == 0x04;
        }

        private int SlotConfig(int slot) => _config[SlotConfigByte + (2 * slot)] | (_config[SlotConfigByte + (2 * slot) + 1] << 8);

        private int KeyConfig(int slot) => _config[KeyConfigByte + (2 * slot)] | (_config[KeyConfigByte + (2 * slot) + 1] << 8);

        private static byte[] PublicKey(ECDsa key)
        {
            ECParameters parameters = key.ExportParameters(false);
            var publicKey = new byte[64];
            Array.Copy(parameters.Q.X!, 0, publicKey, 0, 32);
            Array.Copy(parameters.Q.Y!, 0, publicKey, 32, 32);
            return publicKey;
        }

        private void SetStatus(byte status)
        {
            _output[0] = 0x04;
            _output[1] = status;
            Atecc608Crc.Append(_output, 0, 2);
            _outputLength = 4;
            _readPointer = 0;
        }

        private void SetData(byte[] data, int offset, int length)
        {
            _output[0] = (byte)(length + 3);
            Array.Copy(data, offset, _output, 1, length);
            Atecc608Crc.Append(_output, 0, length + 1);
            _outputLength = length + 3;
            _readPointer = 0;
        }

        /// <summary>Execution times at the default clock divider (CryptoAuthLib device_execution_time_608_m0).</summary>
        private static int ExecutionMilliseconds(byte opcode) => opcode switch
        {
            0x02 => 5,
            0x16 => 20,
            0x1B => 23,
            0x30 => 5,
            0x40 => 115,
            0x41 => 115,
            0x45 => 105,
            _ => 5,
        };

        private static class Atecc608CommandLength
        {
            public const int Min = 7;
        }

        /// <summary>The general-call address on the same bus: its address byte is eight zero bits, SDA low for eight SCL periods.</summary>
        private sealed class GeneralCallDevice : IBusDevice
        {
            private readonly Atecc608Emulator _chip;

            public GeneralCallDevice(Atecc608Emulator chip) => _chip = chip;

            public BusStatus Write(byte[] buffer, int offset, int count)
            {
                // The 0x00 address byte with the write bit holds SDA low for 8 bit times; no device acknowledges it,
                // so the master stops after the address.
                int lowMicroseconds = (int)(8L * 1_000_000 / _chip.BusClockHz);
                _chip.HoldSdaLow(lowMicroseconds);
                _chip.AdvanceMicroseconds(1_000_000 / _chip.BusClockHz);
                return BusStatus.NotAcknowledged;
            }

            public BusStatus Read(byte[] buffer, int offset, int count) => BusStatus.NotAcknowledged;

            public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount) =>
                Write(writeBuffer, writeOffset, writeCount);
        }

        /// <summary>The driver's clock over the emulator's simulated time.</summary>
        private sealed class SimulatedWait : IDriverClock
        {
            private readonly Atecc608Emulator _chip;

            public SimulatedWait(Atecc608Emulator chip) => _chip = chip;

            public long MonotonicTicks => _chip.NowMicroseconds * 10;

            public void Sleep(int milliseconds) => _chip.AdvanceMilliseconds(milliseconds);
        }
    }
}
