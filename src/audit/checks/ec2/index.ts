import type { Check } from '../../check.js';
import ec2_ami_not_public from './ec2_ami_not_public.js';
import ec2_ebs_snapshot_not_public from './ec2_ebs_snapshot_not_public.js';
import ec2_ebs_volume_encrypted from './ec2_ebs_volume_encrypted.js';
import ec2_instance_imdsv2_required from './ec2_instance_imdsv2_required.js';
import ec2_instance_in_vpc from './ec2_instance_in_vpc.js';
import ec2_instance_no_public_ip from './ec2_instance_no_public_ip.js';
import ec2_instance_old from './ec2_instance_old.js';
import ec2_instance_profile_attached from './ec2_instance_profile_attached.js';
import ec2_instance_source_dest_check from './ec2_instance_source_dest_check.js';
import ec2_nacl_admin_ports from './ec2_nacl_admin_ports.js';
import ec2_sg_cidr_overlaps from './ec2_sg_cidr_overlaps.js';
import ec2_sg_cidr_unexpected from './ec2_sg_cidr_unexpected.js';
import ec2_sg_cidr_unneeded from './ec2_sg_cidr_unneeded.js';
import ec2_sg_default_restricts_all from './ec2_sg_default_restricts_all.js';
import ec2_sg_large_cidr from './ec2_sg_large_cidr.js';
import vpc_flow_logs_enabled from './vpc_flow_logs_enabled.js';
import { SG_OPEN_PORT_CHECKS } from './sg_open_ports.js';

export const EC2_CHECKS: Check[] = [
  ec2_ami_not_public,
  ec2_ebs_snapshot_not_public,
  ec2_ebs_volume_encrypted,
  ec2_instance_imdsv2_required,
  ec2_instance_in_vpc,
  ec2_instance_no_public_ip,
  ec2_instance_old,
  ec2_instance_profile_attached,
  ec2_instance_source_dest_check,
  ec2_nacl_admin_ports,
  ec2_sg_cidr_overlaps,
  ec2_sg_cidr_unexpected,
  ec2_sg_cidr_unneeded,
  ec2_sg_default_restricts_all,
  ec2_sg_large_cidr,
  vpc_flow_logs_enabled,
  ...SG_OPEN_PORT_CHECKS,
];
