import XCTest

@testable import Compiler

/// The kind of device node the plan gives for a `devices` entry is read from its name.
final class HostDevicesTests: XCTestCase {
    func testBlockDevicesAndPartitionsByName() {
        for name in [
            "/dev/sda", "/dev/sdb1", "/dev/vdb", "/dev/xvdf", "/dev/nvme0n1", "/dev/nvme1n1p3", "/dev/mmcblk0",
            "/dev/mmcblk0p2", "/dev/loop7", "/dev/md0", "/dev/dm-3", "/dev/mapper/vg-data", "/dev/nbd0",
            "/dev/disk/by-id/ata-disk-1", "/dev/zram0",
        ] {
            XCTAssertEqual(HostDevices.kind(of: name), "unix-block", name)
        }
    }

    func testCharacterDevicesByName() {
        for name in [
            "/dev/fuse", "/dev/net/tun", "/dev/kvm", "/dev/ttyUSB0", "/dev/ttyACM1", "/dev/ttyS0", "/dev/snd/pcmC0D0p",
            "/dev/dri/renderD128", "/dev/video0", "/dev/bus/usb/001/002", "/dev/nvme0", "/dev/mapper/control",
            "/dev/loop-control", "/dev/i2c-1", "/dev/gpiochip0", "/dev/nvidia0", "/dev/nvidiactl",
        ] {
            XCTAssertEqual(HostDevices.kind(of: name), "unix-char", name)
        }
    }

    func testUnknownNamesAreLeftToTheWarning() {
        for name in ["/dev/hailo0", "/dev/sd", "/dev/nvme0n", "/dev/loopx", "/dev/"] {
            XCTAssertNil(HostDevices.kind(of: name), name)
        }
    }
}
